/**
 * The console administers itself with the platform's own permission names (DESIGN.md §1).
 * Only the bootstrap role is special; everything else is an ordinary mapped permission.
 */
export const ConsolePermission = {
  list: "STS_IAM_ROLE_LIST",
  detail: "STS_IAM_ROLE_DETAIL",
  create: "STS_IAM_ROLE_CREATE",
  edit: "STS_IAM_ROLE_EDIT",
  delete: "STS_IAM_ROLE_DELETE",
  organisationEdit: "STS_ORGANISATION_EDIT",
} as const;

export type ConsolePermissionKey = (typeof ConsolePermission)[keyof typeof ConsolePermission];

/** Reading a tenant's roles, mappings, matrix, explorer and audit needs either of these. */
export const READ_PERMISSIONS: readonly string[] = [ConsolePermission.list, ConsolePermission.detail];

/** A tenant is listed for a user holding any of these in it. */
export const CONSOLE_PERMISSION_PREFIX = "STS_IAM_ROLE_";

export function grantsConsoleVisibility(permission: string): boolean {
  return permission.startsWith(CONSOLE_PERMISSION_PREFIX);
}
