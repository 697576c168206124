import { formatDateTime } from "./format";

/** A UTC date-time that may wrap between the date and the time (narrow table columns). */
export function DateTime({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span className="muted">—</span>;
  const [date, time] = formatDateTime(iso).split(" ", 2);
  return (
    <time dateTime={iso} className="date-time">
      <span className="nowrap">{date}</span> <span className="nowrap">{time} UTC</span>
    </time>
  );
}
