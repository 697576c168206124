// Values the global setup hands to test files through `project.provide` / `inject` (typed here).
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** The migrated database created for this test run (shared by every file that asks for it). */
    testDatabaseUrl: string;
    /** The same server's maintenance database, for creating and dropping scratch databases. */
    testServerUrl: string;
    /** Name of the run's database; every scratch database of the run starts with it. */
    testDatabaseName: string;
  }
}
