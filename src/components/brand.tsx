export function Brand() {
  return (
    <div className="brand">
      <span className="brand-mark" aria-hidden="true">
        STS
      </span>
      <span>STS Console</span>
    </div>
  );
}
