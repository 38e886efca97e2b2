/**
 * Escape text for HTML / SVG element content and double-quoted attribute values. Every string that
 * comes from a scenario (names, labels, descriptions) goes through here, so a queue named
 * `<script>alert(1)</script>` renders as text.
 */
export function esc(text: string | number): string {
  return String(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Escape text for a Markdown table cell or inline text: HTML-escaped, pipes and backticks too. */
export function escMd(text: string): string {
  return esc(text)
    .replace(/\|/g, "\\|")
    .replace(/`/g, "\\`")
    .replace(/\*/g, "\\*")
    .replace(/_/g, "\\_")
    .replace(/\[/g, "\\[")
    .replace(/\]/g, "\\]")
    .replace(/\r?\n/g, " ");
}

/** A file-name-safe slug (charts/<slug>.svg): lowercase ASCII letters, digits and dashes. */
export function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return s || "x";
}
