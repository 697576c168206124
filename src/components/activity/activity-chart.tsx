"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ActivityBucket, ActivityRange } from "@/server/activity/get-activity-summary";

const SERIES = [
  { key: "signIns", label: "Sign-ins", color: "#2f6fdf" },
  { key: "tokenExchanges", label: "Token exchanges", color: "#1b9e6b" },
  { key: "denials", label: "Denials", color: "#d9480f" },
  { key: "changes", label: "Configuration changes", color: "#7048e8" },
] as const;

function tick(iso: string, range: ActivityRange): string {
  return range === "24h" ? `${iso.slice(11, 13)}:00` : iso.slice(5, 10);
}

/** Stacked bars per hour or day (UTC), drawn by recharts; a table with the same numbers sits beside it. */
export function ActivityChart({ buckets, range }: { buckets: ActivityBucket[]; range: ActivityRange }) {
  return (
    <div className="activity-chart" data-testid="activity-chart">
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={buckets} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e3e7ee" />
          <XAxis
            dataKey="at"
            tickFormatter={(value: string) => tick(value, range)}
            tick={{ fontSize: 11 }}
            interval="preserveStartEnd"
            minTickGap={12}
          />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={48} />
          <Tooltip
            labelFormatter={(value) =>
              typeof value === "string"
                ? `${value.slice(0, 10)}${range === "24h" ? ` ${value.slice(11, 16)}` : ""} UTC`
                : String(value)
            }
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {SERIES.map((series) => (
            <Bar
              key={series.key}
              dataKey={series.key}
              name={series.label}
              stackId="activity"
              fill={series.color}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
