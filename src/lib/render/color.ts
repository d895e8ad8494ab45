/**
 * Colour strings for canvas drawing. uPlot paints on a canvas, which cannot read CSS custom
 * properties, so the chart resolves its tokens to `rgb(...)` through the DOM and derives the
 * translucent variants here.
 */

/** `rgb(r, g, b)`, `rgba(r, g, b, a)`, `rgb(r g b / a)`, `#rgb` or `#rrggbb` → channels, or null. */
export function parseColor(color: string): { r: number; g: number; b: number; a: number } | null {
	const s = color.trim();
	const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(s);
	if (hex) {
		const h = hex[1]!.length === 3 ? [...hex[1]!].map((c) => c + c).join('') : hex[1]!;
		return {
			r: parseInt(h.slice(0, 2), 16),
			g: parseInt(h.slice(2, 4), 16),
			b: parseInt(h.slice(4, 6), 16),
			a: 1
		};
	}
	const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*(?:[,/]\s*([\d.]+%?))?\s*\)$/i.exec(
		s
	);
	if (!fn) return null;
	const alpha =
		fn[4] === undefined ? 1 : fn[4].endsWith('%') ? parseFloat(fn[4]) / 100 : Number(fn[4]);
	return { r: Number(fn[1]), g: Number(fn[2]), b: Number(fn[3]), a: alpha };
}

/** The colour with its alpha multiplied by `alpha`; an unparseable colour is returned as is. */
export function withAlpha(color: string, alpha: number): string {
	const c = parseColor(color);
	if (!c) return color;
	return `rgba(${c.r}, ${c.g}, ${c.b}, ${+(c.a * alpha).toFixed(3)})`;
}
