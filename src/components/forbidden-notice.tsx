export function ForbiddenNotice({ what }: { what: string }) {
  return (
    <div className="alert danger" role="alert">
      <strong>Not allowed.</strong> {what}
    </div>
  );
}
