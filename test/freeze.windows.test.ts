import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/core/config/load.js';
import { freezeSchema } from '../src/core/guard/freeze-config.js';
import { configFreezeAt, momentText, nextConfigFreeze } from '../src/core/guard/freeze-windows.js';
import { formatDuration, parseDuration } from '../src/core/guard/duration.js';

const at = (iso: string) => Date.parse(iso);
const weekend = freezeSchema.parse({
  timezone: 'Europe/Berlin',
  windows: [{ cron: '0 18 * * 5', durationHours: 60, reason: 'weekend' }],
});

describe('recurring freeze windows (cron + durationHours in a time zone)', () => {
  it('a Friday 18:00 → Monday 06:00 window across the autumn DST change ends at 06:00 local, 61 real hours later', () => {
    // 2026-10-25 03:00 CEST → 02:00 CET: Friday is UTC+2, Monday UTC+1.
    expect(configFreezeAt(weekend, at('2026-10-23T15:59:59Z'))).toBeUndefined();
    const frozen = configFreezeAt(weekend, at('2026-10-23T16:00:00Z'));
    expect(frozen).toMatchObject({ source: 'window', since: at('2026-10-23T16:00:00Z'), until: at('2026-10-26T05:00:00Z'), reason: 'weekend' });
    expect(configFreezeAt(weekend, at('2026-10-25T01:30:00Z'))?.until).toBe(at('2026-10-26T05:00:00Z')); // during the repeated hour
    expect(configFreezeAt(weekend, at('2026-10-26T04:59:59Z'))).toBeDefined();
    expect(configFreezeAt(weekend, at('2026-10-26T05:00:00Z'))).toBeUndefined();
    expect(momentText(frozen!.until, 'Europe/Berlin')).toBe('2026-10-26 06:00 Europe/Berlin (2026-10-26 05:00 UTC)');
  });

  it('the same window across the spring DST change starts at 18:00 CET and ends at 06:00 CEST, 59 real hours later', () => {
    // 2026-03-29 02:00 CET → 03:00 CEST.
    const frozen = configFreezeAt(weekend, at('2026-03-28T12:00:00Z'));
    expect(frozen).toMatchObject({ since: at('2026-03-27T17:00:00Z'), until: at('2026-03-30T04:00:00Z') });
    expect(configFreezeAt(weekend, at('2026-03-30T04:00:00Z'))).toBeUndefined();
  });

  it('a window in another zone than the default uses its own; overlapping windows chain into one freeze', () => {
    const config = freezeSchema.parse({
      windows: [
        { cron: '0 9 * * 1-5', durationHours: 1, timezone: 'America/New_York', reason: 'standup' },
        { cron: '0 0 * * *', durationHours: 30, reason: 'always' },
      ],
    });
    expect(configFreezeAt({ ...config, windows: [config.windows[0]!] }, at('2026-07-01T13:30:00Z'))).toMatchObject({ since: at('2026-07-01T13:00:00Z'), until: at('2026-07-01T14:00:00Z') });
    const chained = configFreezeAt({ ...config, windows: [config.windows[1]!] }, at('2026-07-01T12:00:00Z'))!;
    expect(chained.until - at('2026-07-01T12:00:00Z')).toBeGreaterThan(30 * 24 * 3600_000);
  });

  it('fixed ranges are read in the freeze time zone; the next freeze is found for /freezes', () => {
    const config = freezeSchema.parse({ timezone: 'Europe/Berlin', ranges: [{ from: '2026-12-20T00:00', until: '2027-01-04T00:00', reason: 'holidays' }] });
    expect(configFreezeAt(config, at('2026-12-19T22:59:59Z'))).toBeUndefined();
    expect(configFreezeAt(config, at('2026-12-19T23:00:00Z'))).toMatchObject({ source: 'range', reason: 'holidays', until: at('2027-01-03T23:00:00Z') });
    expect(nextConfigFreeze(config, at('2026-12-01T00:00:00Z'))).toMatchObject({ since: at('2026-12-19T23:00:00Z') });
    expect(nextConfigFreeze(weekend, at('2026-10-26T06:00:00Z'))).toMatchObject({ since: at('2026-10-30T17:00:00Z') });
  });

  it('config errors name the key and say how to fix it', () => {
    const env = (freeze: unknown) => () => parseConfig({ environments: { prod: { fluxGitRepo: '/x', freeze } } }, '/etc/rollbot.yaml');
    expect(env({ windows: [{ cron: 'every friday', durationHours: 2 }] })).toThrow(/environments\.prod\.freeze\.windows\[0\]\.cron' is not a cron expression/);
    expect(env({ timezone: 'Mars/Olympus' })).toThrow(/environments\.prod\.freeze\.timezone' must be an IANA time zone like Europe\/Berlin/);
    expect(env({ ranges: [{ from: '2026-12-20', until: '2026-12-01' }] })).toThrow(/freeze\.ranges\[0\]\.until' must be after from/);
    expect(env({ breakGlass: ['alice'] })).toThrow(/freeze\.breakGlass\[0\]' must be a Slack user ID/);
    expect(() => parseConfig({ locks: { defaultDuration: 'soon' }, environments: { prod: { fluxGitRepo: '/x' } } }, '/r.yaml')).toThrow(/'locks\.defaultDuration' must be a duration like 8h/);
  });
});

describe('durations', () => {
  it('parses and prints the units people type', () => {
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(formatDuration(5_400_000)).toBe('1h 30m');
    expect(formatDuration(3 * 86_400_000)).toBe('3d');
    expect(() => parseDuration('soon')).toThrow("'soon' is not a duration. Use a number and a unit, like `30m`, `2h`, `1h30m` or `3d`.");
  });
});
