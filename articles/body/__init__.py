"""The article body's passes, in the order a body meets them: what the editor offers
(`editor`), the allowlist applied on save (`sanitize`, after `repair` has nested the markup
as the parser would), and at render time internal links resolved to their current URLs
(`links`) and «اقرأ أيضاً» links placed between paragraphs (`read_also`)."""
