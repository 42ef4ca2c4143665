package io.adapterforge.evaluation.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * Writes {@code report.json}: the {@link EvaluationReport} with snake_case keys, derived values
 * (perplexities, relative gain) included, and every NaN or infinite number written as {@code null}
 * so that strict JSON parsers accept the file. Thread-safe.
 */
public final class ReportJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .registerModule(
              new SimpleModule("finite-numbers")
                  .addSerializer(Double.class, new FiniteDoubleSerializer())
                  .addSerializer(double.class, new FiniteDoubleSerializer()));

  private ReportJson() {}

  /** The report as pretty-printed JSON text. */
  public static String toJson(EvaluationReport report) {
    requireNonNull(report, "report is null");
    try {
      return MAPPER.writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "Cannot write report.json of run " + report.runId() + ": " + e.getOriginalMessage(), e);
    }
  }

  private static final class FiniteDoubleSerializer extends JsonSerializer<Double> {
    @Override
    public void serialize(Double value, JsonGenerator out, SerializerProvider provider)
        throws IOException {
      if (value == null || !Double.isFinite(value)) {
        out.writeNull();
      } else {
        out.writeNumber(value);
      }
    }
  }
}
