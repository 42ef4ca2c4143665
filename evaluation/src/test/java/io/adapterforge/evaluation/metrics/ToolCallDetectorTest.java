package io.adapterforge.evaluation.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.config.ConfigLoader;
import io.adapterforge.config.InvalidConfigException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ToolCallDetectorTest {
  private final ToolCallDetector detector = ToolCallDetector.defaults();

  @Test
  void detectsXmlStyleToolCall() {
    assertThat(
            detector.calledTool(
                "Проверяю. <tool_call name=\"mask_card\" arguments=\"{&quot;n&quot;:1}\"/>"))
        .contains("mask_card");
    assertThat(detector.calledTool("<tool_call arguments='{}' name='lookup'>")).contains("lookup");
  }

  @Test
  void detectsJsonToolCallWithNestedArguments() {
    assertThat(
            detector.calledTool(
                "Sure: {\"name\": \"get_balance\", \"arguments\": {\"account\": {\"id\": 7}}}"))
        .contains("get_balance");
    assertThat(detector.calledTool("{\"name\":\"a\\\"b\",\"id\":3,\"arguments\":{}}"))
        .contains("a\\\"b");
  }

  @Test
  void ignoresTextThatOnlyMentionsTools() {
    assertThat(detector.calledTool("I will not call a tool_call here.")).isEmpty();
    assertThat(detector.calledTool("{\"name\": \"Alice\", \"age\": 3}")).isEmpty();
    assertThat(detector.calledTool("")).isEmpty();
  }

  @Test
  void namesTheFirstCallWhenSeveralAppear() {
    String reply =
        "{\"name\": \"second\", \"arguments\": {}} <tool_call name=\"first\" arguments=\"\"/>";
    assertThat(detector.calledTool(reply)).contains("second");
    assertThat(detector.calledTool("<tool_call name=\"first\"/> {\"name\":\"x\",\"arguments\":1}"))
        .contains("first");
  }

  @Test
  void usesConfiguredPatternsOnly() {
    ToolCallDetector custom = ToolCallDetector.of(List.of("CALL\\((?<name>\\w+)\\)"));
    assertThat(custom.calledTool("ok CALL(refund) done")).contains("refund");
    assertThat(custom.calledTool("<tool_call name=\"x\" arguments=\"\"/>")).isEmpty();
  }

  @Test
  void defaultPatternsAreThoseOfTheEmbeddedConfig() {
    AdapterforgeConfig config = ConfigLoader.load(Optional.empty(), List.of());

    assertThat(config.evaluate().toolCall().patterns())
        .isEqualTo(ToolCallDetector.DEFAULT_PATTERNS);
    assertThat(ToolCallDetector.from(config.evaluate()).patterns())
        .isEqualTo(ToolCallDetector.DEFAULT_PATTERNS);
  }

  @Test
  void fromUsesThePatternsOfTheConfig() {
    AdapterforgeConfig config =
        ConfigLoader.load(
            Optional.empty(), List.of("evaluate.tool-call.patterns=CALL\\((?<name>\\w+)\\)"));

    ToolCallDetector custom = ToolCallDetector.from(config.evaluate());

    assertThat(custom.calledTool("ok CALL(refund) done")).contains("refund");
    assertThat(custom.calledTool("<tool_call name=\"x\" arguments=\"\"/>")).isEmpty();
  }

  @Test
  void rejectsPatternsWithoutNameGroup() {
    assertThatThrownBy(() -> ToolCallDetector.of(List.of("<call/>")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "Cannot use evaluate.tool-call.patterns <call/>: must have a named group (?<name>...)"
                + " that captures the tool name");
    assertThatThrownBy(() -> ToolCallDetector.of(List.of("(?<name>[a-")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("Cannot use evaluate.tool-call.patterns pattern (?<name>[a-:")
        .hasMessageContaining("not a valid regular expression");
    assertThatThrownBy(() -> ToolCallDetector.of(List.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("Cannot use evaluate.tool-call.patterns []: must not be empty");
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(detector);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      ToolCallDetector copy = (ToolCallDetector) in.readObject();
      assertThat(copy.patterns()).isEqualTo(ToolCallDetector.DEFAULT_PATTERNS);
      assertThat(copy.calledTool("<tool_call name=\"t\"/>")).contains("t");
    }
  }
}
