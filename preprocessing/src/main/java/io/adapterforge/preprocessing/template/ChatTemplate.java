package io.adapterforge.preprocessing.template;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled chat template that renders like Python jinja2 in transformers' environment.
 *
 * <p>Compile once, render many times: a {@code ChatTemplate} is immutable and thread-safe, and each
 * render works on state of its own. It is serializable as its source and limits (a deserialized
 * copy recompiles), so it can travel to Spark executors; recompiling per partition is just as
 * cheap.
 *
 * <p>Failures are {@link TemplateException}s: {@link TemplateException.Kind#SYNTAX} from {@link
 * #compile}, and from {@code render} {@link TemplateException.Kind#RAISED} when the template
 * refuses the conversation with {@code raise_exception}, {@link TemplateException.Kind#RENDER} for
 * errors in the template's code (undefined values, type errors) and {@link
 * TemplateException.Kind#LIMIT} when the render exceeds its {@link TemplateLimits}.
 */
public final class ChatTemplate implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final TemplateLimits limits;
  private final transient List<Stmt> body;
  private final transient Frame frame;

  private ChatTemplate(String source, TemplateLimits limits, List<Stmt> body, Frame frame) {
    this.source = source;
    this.limits = limits;
    this.body = body;
    this.frame = frame;
  }

  /** Compiles {@code source} with {@link TemplateLimits#DEFAULT}. */
  public static ChatTemplate compile(String source) {
    return compile(source, TemplateLimits.DEFAULT);
  }

  /**
   * Compiles {@code source}.
   *
   * @throws TemplateException of kind {@link TemplateException.Kind#SYNTAX} naming the line
   */
  public static ChatTemplate compile(String source, TemplateLimits limits) {
    requireNonNull(source, "source is null");
    requireNonNull(limits, "limits is null");
    List<Stmt> body;
    Frame frame;
    try {
      body = Parser.parse(source);
      frame = ScopeAnalysis.analyze(body);
    } catch (StackOverflowError e) {
      throw new TemplateException(
          TemplateException.Kind.SYNTAX,
          "TemplateSyntaxError",
          "the template nests too deeply to compile",
          0);
    }
    return new ChatTemplate(source, limits, body, frame);
  }

  /** The template text as given. */
  public String source() {
    return source;
  }

  public TemplateLimits limits() {
    return limits;
  }

  /**
   * Renders a conversation as transformers' {@code apply_chat_template(messages, tokenize=False,
   * …)} does: {@code messages} is the JSON array of {@code {"role": …, "content": …}} objects (with
   * {@code tool_calls}, {@code reasoning_content} and whatever else the template reads).
   */
  public String render(JsonNode messages, RenderOptions options) {
    requireNonNull(messages, "messages is null");
    requireNonNull(options, "options is null");
    return execute(options.variables(Values.fromJson(messages)), options.clock());
  }

  /** As {@link #render(JsonNode, RenderOptions)}, with messages as Java lists and maps. */
  public String render(List<? extends Map<String, ?>> messages, RenderOptions options) {
    requireNonNull(messages, "messages is null");
    requireNonNull(options, "options is null");
    return execute(options.variables(Values.fromJava(messages)), options.clock());
  }

  /**
   * Renders with exactly these variables (strings, numbers, booleans, null, lists, maps and JSON
   * trees) and the system clock; nothing is added, not even {@code tools}.
   */
  public String render(Map<String, ?> variables) {
    return render(variables, Clock.systemDefaultZone());
  }

  /** As {@link #render(Map)}, with {@code clock} behind {@code strftime_now}. */
  String render(Map<String, ?> variables, Clock clock) {
    requireNonNull(variables, "variables is null");
    Map<String, Object> converted = new LinkedHashMap<>();
    variables.forEach((name, value) -> converted.put(name, Values.fromJava(value)));
    return execute(converted, clock);
  }

  private String execute(Map<String, Object> variables, Clock clock) {
    Renderer renderer = new Renderer(limits, clock);
    Scope globals = new Scope(null, Globals.all());
    Scope context = new Scope(globals, new LinkedHashMap<>(variables));
    Scope root = frame.enter(context);
    Output out = renderer.newOutput();
    try {
      Stmt.executeAll(body, renderer, root, out);
    } catch (PyException e) {
      throw e.toTemplateException();
    } catch (StackOverflowError e) {
      throw new TemplateException(
          TemplateException.Kind.LIMIT,
          "LimitExceeded",
          "the template recursed deeper than the Java stack allows",
          0);
    }
    return out.toString();
  }

  private Object writeReplace() throws ObjectStreamException {
    return new SerializedForm(source, limits);
  }

  /** What a serialized {@code ChatTemplate} holds; it recompiles when read back. */
  private static final class SerializedForm implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final TemplateLimits limits;

    SerializedForm(String source, TemplateLimits limits) {
      this.source = source;
      this.limits = limits;
    }

    private Object readResolve() throws ObjectStreamException {
      return compile(source, limits);
    }
  }
}
