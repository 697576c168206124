/** One transaction per mutation; database constraint errors become typed domain errors. */
import { Prisma } from "../../generated/prisma/client";
import { ConflictError, ValidationError } from "../http/errors";
import type { Db } from "./client";

export type Tx = Prisma.TransactionClient;

export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await db.$transaction(work, { maxWait: 10_000, timeout: 30_000 });
  } catch (error) {
    throw translateDatabaseError(error);
  }
}

export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === "P2002") return new ConflictError("That already exists: the name or key is taken.");
    if (error.code === "P2003")
      return new ValidationError("A referenced record does not exist (or is still in use).");
  }
  return error;
}
