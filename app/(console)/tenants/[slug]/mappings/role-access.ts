import type { RoleSummary } from "@/components/console-data";

/**
 * Which of a role's permissions the user does not hold here. The server refuses to let anyone hand out
 * what they do not hold; the form shows it before saving (null = the user holds everything, bootstrap).
 */
export function permissionsNotHeld(role: RoleSummary, held: ReadonlySet<string> | null): string[] {
  if (held === null) return [];
  return role.permissions.filter((permission) => !held.has(permission));
}
