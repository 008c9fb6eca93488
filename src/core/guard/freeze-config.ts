import { CronExpressionParser } from 'cron-parser';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

const timezone = z.string().min(1).refine((tz) => IANAZone.isValidZone(tz), 'must be an IANA time zone like Europe/Berlin or UTC');

const cron = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    try {
      CronExpressionParser.parse(value);
    } catch (error) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `is not a cron expression (${(error as Error).message}); use five fields like "0 18 * * 5"` });
    }
  });

const moment = z
  .string()
  .min(1)
  .refine((value) => DateTime.fromISO(value).isValid, 'must be a date and time like 2026-12-20T00:00 (ISO 8601; without an offset it is read in freeze.timezone)');

const SLACK_ID = z.string().regex(/^[UWS][A-Z0-9_]{2,}$/, 'must be a Slack user ID (U…/W…) or user-group ID (S…)');

export const freezeWindowSchema = z
  .object({
    /** When each window starts (five-field cron, read in the window's time zone). */
    cron,
    /** How long it lasts, in hours on that time zone's clock (a DST change does not move the end). */
    durationHours: z.number().positive().max(24 * 31),
    timezone: timezone.optional(),
    reason: z.string().min(1).max(200).optional(),
  })
  .strict();

export const freezeRangeSchema = z
  .object({
    from: moment,
    until: moment,
    reason: z.string().min(1).max(200).optional(),
  })
  .strict();

export const freezeSchema = z
  .object({
    /** Time zone for windows and ranges that do not name their own. */
    timezone: timezone.default('UTC'),
    windows: z.array(freezeWindowSchema).default([]),
    ranges: z.array(freezeRangeSchema).default([]),
    /** Who may `--force` a rollout, release or rollback through a freeze: user IDs and/or user-group IDs. */
    breakGlass: z.array(SLACK_ID).default([]),
  })
  .strict()
  .superRefine((freeze, ctx) => {
    freeze.ranges.forEach((range, i) => {
      const from = DateTime.fromISO(range.from, { zone: freeze.timezone });
      const until = DateTime.fromISO(range.until, { zone: freeze.timezone });
      if (from.isValid && until.isValid && until <= from) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['ranges', i, 'until'], message: `must be after from (${range.from})` });
      }
    });
  });

export type FreezeConfig = z.infer<typeof freezeSchema>;

/** Top-level `locks:` settings. */
export const lockSettingsSchema = z
  .object({
    /** A `/lock` without a duration expires after this long (e.g. "8h"); without it such locks last until `/unlock`. */
    defaultDuration: z.string().regex(/^(?:\d+[smhdw])+$/, 'must be a duration like 8h, 90m or 2d').optional(),
  })
  .strict();
