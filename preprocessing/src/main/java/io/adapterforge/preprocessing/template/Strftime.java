package io.adapterforge.preprocessing.template;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Python's {@code datetime.strftime} in the C locale, for the {@code strftime_now} global that
 * Llama 3.x templates call to print today's date.
 */
final class Strftime {
  private Strftime() {}

  static String format(String pattern, ZonedDateTime t) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c != '%' || i + 1 >= pattern.length()) {
        out.append(c);
        continue;
      }
      char d = pattern.charAt(++i);
      switch (d) {
        case 'a':
          out.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
          break;
        case 'A':
          out.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
          break;
        case 'w':
          out.append(t.getDayOfWeek().getValue() % 7);
          break;
        case 'd':
          out.append(two(t.getDayOfMonth()));
          break;
        case 'b':
        case 'h':
          out.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
          break;
        case 'B':
          out.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
          break;
        case 'm':
          out.append(two(t.getMonthValue()));
          break;
        case 'y':
          out.append(two(t.getYear() % 100));
          break;
        case 'Y':
          out.append(t.getYear());
          break;
        case 'H':
          out.append(two(t.getHour()));
          break;
        case 'I':
          out.append(two(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12));
          break;
        case 'p':
          out.append(t.getHour() < 12 ? "AM" : "PM");
          break;
        case 'M':
          out.append(two(t.getMinute()));
          break;
        case 'S':
          out.append(two(t.getSecond()));
          break;
        case 'f':
          out.append(String.format("%06d", t.getNano() / 1000));
          break;
        case 'j':
          out.append(String.format("%03d", t.getDayOfYear()));
          break;
        case 'z':
          {
            int seconds = t.getOffset().getTotalSeconds();
            out.append(seconds < 0 ? '-' : '+');
            seconds = Math.abs(seconds);
            out.append(two(seconds / 3600)).append(two(seconds / 60 % 60));
          }
          break;
        case 'Z':
          out.append(t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
          break;
        case 'e':
          out.append(String.format("%2d", t.getDayOfMonth()));
          break;
        case 'F':
          out.append(t.getYear())
              .append('-')
              .append(two(t.getMonthValue()))
              .append('-')
              .append(two(t.getDayOfMonth()));
          break;
        case '%':
          out.append('%');
          break;
        default:
          out.append('%').append(d);
      }
    }
    return out.toString();
  }

  private static String two(int value) {
    return value < 10 ? "0" + value : Integer.toString(value);
  }
}
