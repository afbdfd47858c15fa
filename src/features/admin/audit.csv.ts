import { csvLine } from '../../web/csv.js';
import { copenhagenWallClock, type Locale } from '../../web/dates.js';
import type { Translate } from '../../web/i18n.js';
import type { AuditPageRows } from './admin.service.js';
import { detailText, presentAuditRows } from './audit.presenter.js';

const COLUMNS = [
  'time',
  'actor',
  'actor_id',
  'action',
  'entity',
  'entity_id',
  'details',
  'ip',
  'repeat_count',
  'last_at',
] as const;

const pad = (n: number) => String(n).padStart(2, '0');

/** Copenhagen time to the second, "2026-03-31 23:30:05": sorts as text, and a spreadsheet reads it as a time. */
function localTime(iso: string): string {
  const p = copenhagenWallClock(iso);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** The lines of /admin/audit as CSV: the header, then each batch's lines as the page shows them. */
export function* auditCsv(batches: Iterable<AuditPageRows>, t: Translate, locale: Locale): Generator<string> {
  yield csvLine(
    COLUMNS.map((c) => t(`admin.audit.csv.${c}`)),
    locale,
  );
  for (const batch of batches) {
    for (const row of presentAuditRows(batch, t, locale)) {
      yield csvLine(
        [
          localTime(row.at),
          row.actor.text,
          row.actorId,
          row.action,
          row.entityKind,
          row.entityId,
          row.details.map(detailText).join('; '),
          row.ip,
          row.repeatCount,
          row.lastAt ? localTime(row.lastAt) : null,
        ],
        locale,
      );
    }
  }
}
