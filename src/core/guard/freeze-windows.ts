import { CronExpressionParser } from 'cron-parser';
import { DateTime } from 'luxon';
import type { FreezeConfig } from './freeze-config.js';

/** A freeze in force: from the config (a recurring window or a fixed range) or from `/freeze`. */
export interface ActiveFreeze {
  source: 'manual' | 'window' | 'range';
  since: number;
  until: number;
  reason?: string;
  /** `/freeze`: who froze it. */
  by?: string;
  /** The config's wording for it, e.g. `window "0 18 * * 5" (Europe/Berlin)`. */
  label?: string;
  /** The clock the freeze is defined on (for showing local times). */
  timezone: string;
}

type FreezeWindow = FreezeConfig['windows'][number];

/** `start + hours` on the zone's wall clock: Fri 18:00 + 60 h is Mon 06:00 local, DST change or not. */
export function addWallClockHours(startMs: number, zone: string, hours: number): number {
  const local = DateTime.fromMillis(startMs, { zone });
  const wall = DateTime.fromObject(
    { year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute, second: local.second, millisecond: local.millisecond },
    { zone: 'utc' },
  ).plus({ milliseconds: Math.round(hours * 3_600_000) });
  return DateTime.fromObject(
    { year: wall.year, month: wall.month, day: wall.day, hour: wall.hour, minute: wall.minute, second: wall.second, millisecond: wall.millisecond },
    { zone },
  ).toMillis();
}

function windowLabel(window: FreezeWindow, zone: string): string {
  return `window "${window.cron}" (${zone}, ${window.durationHours} h)`;
}

/** The window occurrence covering `now`, chained with the ones that start before it ends. */
export function activeWindow(window: FreezeWindow, defaultZone: string, now: number): ActiveFreeze | undefined {
  const zone = window.timezone ?? defaultZone;
  // prev() is strictly before currentDate: +1 ms lets a window that starts exactly now count.
  const start = CronExpressionParser.parse(window.cron, { currentDate: new Date(now + 1), tz: zone }).prev().getTime();
  let until = addWallClockHours(start, zone, window.durationHours);
  if (now >= until) return undefined;
  const next = CronExpressionParser.parse(window.cron, { currentDate: new Date(now), tz: zone });
  for (let i = 0; i < 100; i++) {
    const following = next.next().getTime();
    if (following > until) break;
    until = Math.max(until, addWallClockHours(following, zone, window.durationHours));
  }
  return { source: 'window', since: start, until, reason: window.reason, label: windowLabel(window, zone), timezone: zone };
}

const latestEnd = (freezes: Array<ActiveFreeze | undefined>): ActiveFreeze | undefined =>
  freezes.filter((f): f is ActiveFreeze => f !== undefined).sort((a, b) => b.until - a.until)[0];

/** The config's freeze in force at `now` (the one that lasts longest when several are), if any. */
export function configFreezeAt(config: FreezeConfig | undefined, now: number): ActiveFreeze | undefined {
  if (!config) return undefined;
  const windows = config.windows.map((w) => activeWindow(w, config.timezone, now));
  const ranges = config.ranges.map((r): ActiveFreeze | undefined => {
    const since = DateTime.fromISO(r.from, { zone: config.timezone }).toMillis();
    const until = DateTime.fromISO(r.until, { zone: config.timezone }).toMillis();
    return since <= now && now < until ? { source: 'range', since, until, reason: r.reason, label: `range ${r.from} – ${r.until}`, timezone: config.timezone } : undefined;
  });
  return latestEnd([...windows, ...ranges]);
}

/** The next configured freeze that starts after `now` (for `/freezes`). */
export function nextConfigFreeze(config: FreezeConfig | undefined, now: number): ActiveFreeze | undefined {
  if (!config) return undefined;
  const upcoming: ActiveFreeze[] = [];
  for (const w of config.windows) {
    const zone = w.timezone ?? config.timezone;
    const since = CronExpressionParser.parse(w.cron, { currentDate: new Date(now), tz: zone }).next().getTime();
    upcoming.push({ source: 'window', since, until: addWallClockHours(since, zone, w.durationHours), reason: w.reason, label: windowLabel(w, zone), timezone: zone });
  }
  for (const r of config.ranges) {
    const since = DateTime.fromISO(r.from, { zone: config.timezone }).toMillis();
    if (since > now) {
      upcoming.push({ source: 'range', since, until: DateTime.fromISO(r.until, { zone: config.timezone }).toMillis(), reason: r.reason, label: `range ${r.from} – ${r.until}`, timezone: config.timezone });
    }
  }
  return upcoming.sort((a, b) => a.since - b.since)[0];
}

/** `2026-12-04 06:00 Europe/Berlin (05:00 UTC)`, or just UTC for UTC freezes. */
export function momentText(ms: number, zone: string): string {
  const utc = new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  if (zone === 'UTC' || zone === 'Etc/UTC') return utc;
  const local = DateTime.fromMillis(ms, { zone });
  return `${local.toFormat('yyyy-MM-dd HH:mm')} ${zone} (${utc})`;
}
