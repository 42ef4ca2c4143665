package io.adapterforge.trainer.plan;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the per-adapter train loss tokens from a prepared dataset's {@code report.json} ({@code
 * adapters.<id>.splits.train.loss_tokens}), the input of {@link TrainPlan}.
 */
public final class PreparedReportWork {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PreparedReportWork() {}

  /**
   * The train split's loss tokens of every adapter in the report, in the report's order.
   *
   * @param reportJson the content of {@code report.json}
   * @param location where it was read from, for messages
   * @throws IllegalArgumentException naming the location and field when the report is not JSON or
   *     lacks {@code adapters.<id>.splits.train.loss_tokens}
   */
  public static Map<String, Long> trainLossTokens(String reportJson, String location) {
    requireNonNull(reportJson, "reportJson is null");
    requireNonNull(location, "location is null");
    JsonNode root;
    try {
      root = JSON.readTree(reportJson);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "Cannot read " + location + ": it is not JSON (" + e.getOriginalMessage() + ")", e);
    }
    JsonNode adapters = root == null ? null : root.get("adapters");
    if (adapters == null || !adapters.isObject()) {
      throw new IllegalArgumentException(
          "Cannot read " + location + ": it has no 'adapters' object (is it a prepare report?)");
    }
    Map<String, Long> tokens = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = adapters.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> entry = fields.next();
      JsonNode lossTokens = entry.getValue().path("splits").path("train").path("loss_tokens");
      if (!lossTokens.canConvertToLong() || lossTokens.asLong() < 0) {
        throw new IllegalArgumentException(
            "Cannot read "
                + location
                + ": adapters."
                + entry.getKey()
                + ".splits.train.loss_tokens is "
                + (lossTokens.isMissingNode() ? "missing" : lossTokens.toString())
                + ", expected a count");
      }
      tokens.put(entry.getKey(), lossTokens.asLong());
    }
    return tokens;
  }
}
