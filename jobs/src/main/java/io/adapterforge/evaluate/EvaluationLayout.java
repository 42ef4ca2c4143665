package io.adapterforge.evaluate;

/**
 * Names inside an evaluation folder ({@code work/runs/<run_id>/evaluation/}).
 *
 * <pre>
 * report.html        the self-contained morning report
 * report.json        the same numbers as JSON
 * metrics.parquet    one row per adapter
 * router/            the Spark ML router pipeline and router.json
 * gate.json          the gate's decision per adapter and what publish needs to act on it
 * generations.jsonl  every generated reply beside its reference
 * </pre>
 */
public final class EvaluationLayout {
  public static final String REPORT_HTML = "report.html";
  public static final String REPORT_JSON = "report.json";
  public static final String METRICS = "metrics.parquet";
  public static final String ROUTER = "router";
  public static final String GATE_FILE = "gate.json";
  public static final String GENERATIONS = "generations.jsonl";

  /** The {@code format} field of {@value #GATE_FILE}; publish refuses other formats. */
  public static final String GATE_FORMAT = "adapterforge-gate-1";

  private EvaluationLayout() {}
}
