package io.adapterforge.config;

import java.util.regex.Pattern;

/** The rule every adapter id follows: {@code [a-z0-9][a-z0-9._-]{0,63}}. */
public final class AdapterIds {
  /** The adapter id pattern, also used to validate corpus rows and folder names. */
  public static final Pattern PATTERN = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  /** The rule as written in messages. */
  public static final String RULE = "must match [a-z0-9][a-z0-9._-]{0,63}";

  private AdapterIds() {}

  public static boolean isValid(String id) {
    return id != null && PATTERN.matcher(id).matches();
  }
}
