"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { SessionProvider, getSession } from "next-auth/react";
import { usePathname } from "next/navigation";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { ToastRegion } from "@/components/toast";

const ACTIVITY_PING_MS = 60_000;

/**
 * Navigation counts as activity: it refreshes the session cookie at most once a minute, so the idle
 * timeout (STS_SESSION_IDLE_MINUTES) ends only sessions nobody uses.
 */
function SessionActivity() {
  const pathname = usePathname();
  const lastPing = useRef(Date.now());
  useEffect(() => {
    if (Date.now() - lastPing.current < ACTIVITY_PING_MS) return;
    lastPing.current = Date.now();
    void getSession();
  }, [pathname]);
  return null;
}

export function ConsoleProviders({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 15_000, retry: 1, refetchOnWindowFocus: true } },
      }),
  );
  return (
    <SessionProvider refetchOnWindowFocus refetchInterval={0}>
      <QueryClientProvider client={queryClient}>
        <SessionActivity />
        {children}
        <ToastRegion />
      </QueryClientProvider>
    </SessionProvider>
  );
}
