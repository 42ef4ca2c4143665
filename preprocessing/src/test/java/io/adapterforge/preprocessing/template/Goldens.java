package io.adapterforge.preprocessing.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.function.Supplier;

/**
 * The golden files that preprocessing/src/test/python/render_template_goldens.py renders with
 * Python jinja2, and the comparison every golden test makes: the same text, or the same error.
 */
final class Goldens {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Goldens() {}

  static JsonNode read(String name) {
    String path = "/io/adapterforge/preprocessing/template/goldens/" + name;
    try (InputStream in = Goldens.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(
            "Missing " + path + ": run render_template_goldens.py with /usr/bin/python3");
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The clock the generator freezes {@code strftime_now} at (a naive local time there). */
  static Clock clock(JsonNode goldens) {
    LocalDateTime now = LocalDateTime.parse(goldens.get("strftime_now").asText());
    return Clock.fixed(now.toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
  }

  /**
   * Asserts that {@code render} gives the golden output byte for byte, or fails like jinja2 did:
   * same exception type, same message and, for syntax errors, the same line.
   */
  static void assertOutcome(JsonNode golden, Supplier<String> render) {
    JsonNode error = golden.get("error");
    if (error == null) {
      assertThat(render.get()).isEqualTo(golden.get("output").asText());
      return;
    }
    TemplateException e = catchThrowableOfType(render::get, TemplateException.class);
    assertThat(e).as("expected %s: %s", error.get("type"), error.get("message")).isNotNull();
    assertThat(e.errorType()).isEqualTo(error.get("type").asText());
    assertThat(e.detail()).isEqualTo(error.get("message").asText());
    if (error.has("line")) {
      assertThat(e.line()).isEqualTo(error.get("line").asInt());
      assertThat(e.getMessage()).contains("at line " + error.get("line").asInt());
    }
    if (error.get("type").asText().equals("TemplateError")) {
      assertThat(e.kind()).isEqualTo(TemplateException.Kind.RAISED);
    }
  }
}
