package io.adapterforge.preprocessing.template;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a chat template is rendered with besides the messages, mirroring transformers' {@code
 * apply_chat_template}: {@code tools} and {@code documents} (None when not given), {@code
 * add_generation_prompt} (default false), the tokenizer's special tokens, and extra template
 * variables such as {@code enable_thinking} or {@code date_string}, which override a special token
 * of the same name. The clock only feeds {@code strftime_now} (default: the system clock in the
 * default time zone, as Python's {@code datetime.now()}).
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()} and reuse it for many renders.
 */
public final class RenderOptions {
  private static final Set<String> RESERVED =
      Set.of("messages", "tools", "documents", "add_generation_prompt");

  private static final RenderOptions DEFAULTS = builder().build();

  private final boolean addGenerationPrompt;
  private final Object tools;
  private final Object documents;
  private final SpecialTokens specialTokens;
  private final Map<String, Object> variables;
  private final Clock clock;

  private RenderOptions(Builder builder) {
    this.addGenerationPrompt = builder.addGenerationPrompt;
    this.tools = builder.tools;
    this.documents = builder.documents;
    this.specialTokens = builder.specialTokens;
    this.variables = Collections.unmodifiableMap(new LinkedHashMap<>(builder.variables));
    this.clock = builder.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** No tools, no documents, no generation prompt, no special tokens. */
  public static RenderOptions defaults() {
    return DEFAULTS;
  }

  public boolean addGenerationPrompt() {
    return addGenerationPrompt;
  }

  public Optional<SpecialTokens> specialTokens() {
    return Optional.ofNullable(specialTokens);
  }

  public Clock clock() {
    return clock;
  }

  /** These options with {@code tokens} as special tokens, unless some were set already. */
  RenderOptions withDefaultSpecialTokens(SpecialTokens tokens) {
    if (specialTokens != null) {
      return this;
    }
    Builder builder = toBuilder();
    builder.specialTokens = tokens;
    return builder.build();
  }

  private Builder toBuilder() {
    Builder builder = new Builder();
    builder.addGenerationPrompt = addGenerationPrompt;
    builder.tools = tools;
    builder.documents = documents;
    builder.specialTokens = specialTokens;
    builder.variables.putAll(variables);
    builder.clock = clock;
    return builder;
  }

  /** The render's variables, in the order transformers passes them. */
  Map<String, Object> variables(Object messages) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("messages", messages);
    all.put("tools", tools);
    all.put("documents", documents);
    all.put("add_generation_prompt", addGenerationPrompt);
    if (specialTokens != null) {
      specialTokens.asVariables().forEach((name, value) -> all.put(name, Values.fromJava(value)));
    }
    all.putAll(variables);
    return all;
  }

  /** Builds {@link RenderOptions}; values are converted (and validated) as they are set. */
  public static final class Builder {
    private boolean addGenerationPrompt;
    private Object tools = PyNone.NONE;
    private Object documents = PyNone.NONE;
    private SpecialTokens specialTokens;
    private final Map<String, Object> variables = new LinkedHashMap<>();
    private Clock clock = Clock.systemDefaultZone();

    private Builder() {}

    /** Ends the prompt with the header of an assistant turn, for generation. */
    public Builder addGenerationPrompt(boolean value) {
      this.addGenerationPrompt = value;
      return this;
    }

    /** The tool schemas (a JSON array of {@code {"type": "function", "function": …}}). */
    public Builder tools(JsonNode value) {
      this.tools = Values.fromJson(value);
      return this;
    }

    /** The tool schemas as Java lists and maps. */
    public Builder tools(Iterable<? extends Map<String, ?>> value) {
      this.tools = Values.fromJava(value == null ? null : toList(value));
      return this;
    }

    /** Documents for retrieval-augmented templates. */
    public Builder documents(JsonNode value) {
      this.documents = Values.fromJson(value);
      return this;
    }

    public Builder specialTokens(SpecialTokens value) {
      this.specialTokens = requireNonNull(value, "specialTokens is null");
      return this;
    }

    /**
     * An extra template variable (transformers' {@code **kwargs}): a string, number, boolean, null,
     * list, map with string keys, or a Jackson {@link JsonNode}.
     */
    public Builder variable(String name, Object value) {
      requireNonNull(name, "name is null");
      if (RESERVED.contains(name)) {
        throw new IllegalArgumentException(
            "Cannot set the template variable " + name + " as an extra variable: use its option");
      }
      variables.put(name, Values.fromJava(value));
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = requireNonNull(value, "clock is null");
      return this;
    }

    public RenderOptions build() {
      return new RenderOptions(this);
    }

    private static List<Object> toList(Iterable<?> values) {
      List<Object> list = new ArrayList<>();
      values.forEach(list::add);
      return list;
    }
  }
}
