package io.adapterforge.preprocessing.clean;

/**
 * Python's notion of whitespace ({@code str.isspace()}, used by {@code str.strip()} and by chat
 * templates' {@code | trim}), which differs from Java's: it includes NEL, NBSP and the Unicode
 * spaces, and excludes the BOM. {@link Cleaning}'s trim expression uses the same set.
 */
public final class PythonWhitespace {
  private PythonWhitespace() {}

  public static boolean isSpace(int codePoint) {
    return (codePoint >= 0x09 && codePoint <= 0x0D)
        || (codePoint >= 0x1C && codePoint <= 0x20)
        || codePoint == 0x85
        || codePoint == 0xA0
        || codePoint == 0x1680
        || (codePoint >= 0x2000 && codePoint <= 0x200A)
        || codePoint == 0x2028
        || codePoint == 0x2029
        || codePoint == 0x202F
        || codePoint == 0x205F
        || codePoint == 0x3000;
  }

  /** {@code text.strip()} as Python does it. */
  public static String strip(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && isSpace(text.codePointAt(start))) {
      start += Character.charCount(text.codePointAt(start));
    }
    while (end > start && isSpace(text.codePointBefore(end))) {
      end -= Character.charCount(text.codePointBefore(end));
    }
    return text.substring(start, end);
  }
}
