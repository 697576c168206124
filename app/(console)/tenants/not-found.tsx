import Link from "next/link";

export default function TenantNotFound() {
  return (
    <div className="empty">
      <h1>Organisation not found</h1>
      <p>
        There is no organisation with this slug, or none of your IAM roles or groups gives you access to it.
        Slugs never change, so an old link still works unless the organisation was deleted.
      </p>
      <Link className="button secondary" href="/tenants">
        Back to organisations
      </Link>
    </div>
  );
}
