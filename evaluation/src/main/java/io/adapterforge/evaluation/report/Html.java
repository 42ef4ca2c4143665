package io.adapterforge.evaluation.report;

import java.util.Locale;

/** Escaping and number formatting shared by the HTML and SVG writers of this package. */
final class Html {
  private Html() {}

  /** Escapes text for use in HTML/SVG element content and quoted attribute values. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** Shortens a label for display; the full text belongs in a {@code <title>}. */
  static String shorten(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }

  /** A number with {@code decimals} places, or an em dash when undefined. */
  static String number(double value, int decimals) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : "—";
  }

  /** A share as a percentage with one decimal, signed when {@code signed}; em dash if undefined. */
  static String percent(double share, boolean signed) {
    if (!Double.isFinite(share)) {
      return "—";
    }
    String text = String.format(Locale.ROOT, signed ? "%+.1f%%" : "%.1f%%", share * 100);
    return text.replace('-', '−');
  }

  /** An integer with thin grouping, e.g. {@code 1 234 567}. */
  static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value).replace(',', '\u2009');
  }

  /** A coordinate for SVG: two decimals, no locale surprises. */
  static String coord(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  /** A sort key for a table cell: the number, or an empty string when undefined. */
  static String sortKey(double value) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%.9g", value) : "";
  }
}
