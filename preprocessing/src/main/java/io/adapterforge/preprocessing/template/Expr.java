package io.adapterforge.preprocessing.template;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An expression of the template's syntax tree. Immutable once parsed, so one compiled template can
 * be rendered from many threads; every evaluation state lives in the {@link Renderer} and {@link
 * Scope} passed in.
 */
abstract class Expr {
  final int line;

  Expr(int line) {
    this.line = line;
  }

  /**
   * Evaluates the expression. Errors get their template line from the statement that runs it (or
   * the printed expression): jinja2 reports that line, not the sub-expression's.
   */
  final Object eval(Renderer r, Scope s) {
    return evaluate(r, s);
  }

  abstract Object evaluate(Renderer r, Scope s);

  /** Whether {@code {% set %}} and {@code for} may assign to this expression. */
  boolean canAssign() {
    return false;
  }

  /** Assigns {@code value} to this target in {@code s}; only for {@link #canAssign()} nodes. */
  void assign(Renderer r, Scope s, Object value) {
    throw new IllegalStateException("not an assignment target");
  }

  /** jinja2's node name in "can't assign to" messages. */
  String nodeName() {
    return getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  // ---------------------------------------------------------------- leaves

  static final class Const extends Expr {
    final Object value;

    Const(Object value, int line) {
      super(line);
      this.value = value;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      return value;
    }
  }

  static final class Name extends Expr {
    final String name;

    Name(String name, int line) {
      super(line);
      this.name = name;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      Object value = s.lookup(name);
      return value == null || value == Scope.MISSING ? Undefined.named(name) : value;
    }

    @Override
    boolean canAssign() {
      return !List.of("true", "false", "none", "True", "False", "None").contains(name);
    }

    @Override
    void assign(Renderer r, Scope s, Object value) {
      s.set(name, value);
    }
  }

  /** {@code ns.attr} as an assignment target: {@code {% set ns.attr = value %}}. */
  static final class NamespaceRef extends Expr {
    final String name;
    final String attribute;

    NamespaceRef(String name, String attribute, int line) {
      super(line);
      this.name = name;
      this.attribute = attribute;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      throw new IllegalStateException("namespace reference is only a target");
    }

    @Override
    boolean canAssign() {
      return true;
    }

    @Override
    void assign(Renderer r, Scope s, Object value) {
      Object target = s.lookup(name);
      if (!(target instanceof Namespace)) {
        throw PyException.runtime("cannot assign attribute on non-namespace object");
      }
      ((Namespace) target).set(attribute, value);
    }
  }

  // ---------------------------------------------------------------- literals

  static final class TupleLiteral extends Expr {
    final List<Expr> items;

    TupleLiteral(List<Expr> items, int line) {
      super(line);
      this.items = items;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      List<Object> values = new ArrayList<>(items.size());
      for (Expr item : items) {
        values.add(item.eval(r, s));
      }
      return PyList.tuple(values);
    }

    @Override
    boolean canAssign() {
      for (Expr item : items) {
        if (!item.canAssign()) {
          return false;
        }
      }
      return true;
    }

    @Override
    String nodeName() {
      return "tuple";
    }

    @Override
    void assign(Renderer r, Scope s, Object value) {
      if (!PyOps.isIterable(value)) {
        throw PyException.typeError(
            "cannot unpack non-iterable " + PyOps.typeName(value) + " object");
      }
      List<Object> values = new ArrayList<>();
      Iterator<Object> it = PyOps.iterate(value);
      while (it.hasNext()) {
        values.add(it.next());
        if (values.size() > items.size()) {
          throw PyException.valueError("too many values to unpack (expected " + items.size() + ")");
        }
      }
      if (values.size() < items.size()) {
        throw PyException.valueError(
            "not enough values to unpack (expected "
                + items.size()
                + ", got "
                + values.size()
                + ")");
      }
      for (int i = 0; i < items.size(); i++) {
        items.get(i).assign(r, s, values.get(i));
      }
    }
  }

  static final class ListLiteral extends Expr {
    final List<Expr> items;

    ListLiteral(List<Expr> items, int line) {
      super(line);
      this.items = items;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      List<Object> values = new ArrayList<>(items.size());
      for (Expr item : items) {
        values.add(item.eval(r, s));
      }
      return PyList.list(values);
    }

    @Override
    String nodeName() {
      return "list";
    }
  }

  static final class DictLiteral extends Expr {
    final List<Expr> keys;
    final List<Expr> values;

    DictLiteral(List<Expr> keys, List<Expr> values, int line) {
      super(line);
      this.keys = keys;
      this.values = values;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      PyDict dict = new PyDict();
      for (int i = 0; i < keys.size(); i++) {
        Object key = keys.get(i).eval(r, s);
        dict.put(key, values.get(i).eval(r, s));
      }
      return dict;
    }

    @Override
    String nodeName() {
      return "dict";
    }
  }

  // ---------------------------------------------------------------- access

  static final class Getattr extends Expr {
    final Expr node;
    final String attribute;

    Getattr(Expr node, String attribute, int line) {
      super(line);
      this.node = node;
      this.attribute = attribute;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      return PyOps.getattr(node.eval(r, s), attribute);
    }
  }

  static final class Getitem extends Expr {
    final Expr node;
    final Expr argument;

    Getitem(Expr node, Expr argument, int line) {
      super(line);
      this.node = node;
      this.argument = argument;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      Object obj = node.eval(r, s);
      return PyOps.getitem(obj, argument.eval(r, s));
    }
  }

  static final class Slice extends Expr {
    final Expr start;
    final Expr stop;
    final Expr step;

    Slice(Expr start, Expr stop, Expr step, int line) {
      super(line);
      this.start = start;
      this.stop = stop;
      this.step = step;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      return new PySlice(part(start, r, s), part(stop, r, s), part(step, r, s));
    }

    private static Object part(Expr e, Renderer r, Scope s) {
      return e == null ? PyNone.NONE : e.eval(r, s);
    }
  }

  // ---------------------------------------------------------------- calls, filters, tests

  /** Positional, keyword, {@code *args} and {@code **kwargs} arguments of a call. */
  static final class CallArguments {
    static final CallArguments NONE =
        new CallArguments(List.of(), List.of(), List.of(), null, null);

    final List<Expr> args;
    final List<String> keywordNames;
    final List<Expr> keywordValues;
    final Expr dynArgs;
    final Expr dynKwargs;

    CallArguments(
        List<Expr> args,
        List<String> keywordNames,
        List<Expr> keywordValues,
        Expr dynArgs,
        Expr dynKwargs) {
      this.args = args;
      this.keywordNames = keywordNames;
      this.keywordValues = keywordValues;
      this.dynArgs = dynArgs;
      this.dynKwargs = dynKwargs;
    }

    Args evaluate(Renderer r, Scope s) {
      List<Object> positional = new ArrayList<>(args.size());
      for (Expr arg : args) {
        positional.add(arg.eval(r, s));
      }
      LinkedHashMap<String, Object> keywords = new LinkedHashMap<>();
      for (int i = 0; i < keywordNames.size(); i++) {
        keywords.put(keywordNames.get(i), keywordValues.get(i).eval(r, s));
      }
      if (dynArgs != null) {
        Iterator<Object> it = PyOps.iterate(dynArgs.eval(r, s));
        while (it.hasNext()) {
          positional.add(it.next());
        }
      }
      if (dynKwargs != null) {
        Object mapping = dynKwargs.eval(r, s);
        if (!(mapping instanceof PyDict)) {
          throw PyException.typeError(
              "argument after ** must be a mapping, not " + PyOps.typeName(mapping));
        }
        for (Map.Entry<Object, Object> e : ((PyDict) mapping).entries()) {
          if (!(e.getKey() instanceof String)) {
            throw PyException.typeError("keywords must be strings");
          }
          keywords.put((String) e.getKey(), e.getValue());
        }
      }
      return new Args(positional, keywords);
    }
  }

  static final class Call extends Expr {
    final Expr node;
    final CallArguments arguments;

    Call(Expr node, CallArguments arguments, int line) {
      super(line);
      this.node = node;
      this.arguments = arguments;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      return callWith(r, s, null, null);
    }

    /** Calls with one extra keyword argument: the {@code caller} of a call block. */
    Object callWith(Renderer r, Scope s, String extraName, Object extraValue) {
      Object callee = node.eval(r, s);
      Args args = arguments.evaluate(r, s);
      if (extraName != null) {
        args.keywords().put(extraName, extraValue);
      }
      return invoke(callee, r, args);
    }

    static Object invoke(Object callee, Renderer r, Args args) {
      if (callee instanceof PyCallable) {
        return ((PyCallable) callee).call(r, args);
      }
      if (callee instanceof Undefined) {
        throw ((Undefined) callee).error();
      }
      throw PyException.typeError("'" + PyOps.typeName(callee) + "' object is not callable");
    }
  }

  static final class FilterCall extends Expr {
    /** The filtered value; null for the filter of a filter block or block set. */
    final Expr node;

    final String name;
    final Filters.Filter filter;
    final CallArguments arguments;

    FilterCall(Expr node, String name, Filters.Filter filter, CallArguments arguments, int line) {
      super(line);
      this.node = node;
      this.name = name;
      this.filter = filter;
      this.arguments = arguments;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      return apply(r, s, node.eval(r, s));
    }

    /** Applies this filter chain to {@code input} in place of the innermost missing node. */
    Object applyTo(Renderer r, Scope s, Object input) {
      Object value = node == null ? input : ((FilterCall) node).applyTo(r, s, input);
      return apply(r, s, value);
    }

    private Object apply(Renderer r, Scope s, Object value) {
      Args args = arguments.evaluate(r, s);
      if (filter == null) {
        // Only reachable inside an if: elsewhere an unknown filter fails compilation.
        throw PyException.runtime("No filter named " + PyOps.repr(name) + " found.");
      }
      return filter.apply(r, value, args);
    }
  }

  static final class TestCall extends Expr {
    final Expr node;
    final String name;
    final Tests.Test test;
    final CallArguments arguments;

    TestCall(Expr node, String name, Tests.Test test, CallArguments arguments, int line) {
      super(line);
      this.node = node;
      this.name = name;
      this.test = test;
      this.arguments = arguments;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      Object value = node.eval(r, s);
      Args args = arguments.evaluate(r, s);
      if (test == null) {
        throw PyException.runtime("No test named " + PyOps.repr(name) + " found.");
      }
      return test.test(r, value, args);
    }
  }

  // ---------------------------------------------------------------- operators

  static final class CondExpr extends Expr {
    final Expr test;
    final Expr whenTrue;
    final Expr whenFalse;

    CondExpr(Expr test, Expr whenTrue, Expr whenFalse, int line) {
      super(line);
      this.test = test;
      this.whenTrue = whenTrue;
      this.whenFalse = whenFalse;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      if (PyOps.truthy(test.eval(r, s))) {
        return whenTrue.eval(r, s);
      }
      if (whenFalse == null) {
        return Undefined.withHint(
            "the inline if-expression on line "
                + line
                + " evaluated to false and no else section was defined.",
            null);
      }
      return whenFalse.eval(r, s);
    }
  }

  static final class And extends Expr {
    final Expr left;
    final Expr right;

    And(Expr left, Expr right, int line) {
      super(line);
      this.left = left;
      this.right = right;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      Object value = left.eval(r, s);
      return PyOps.truthy(value) ? right.eval(r, s) : value;
    }
  }

  static final class Or extends Expr {
    final Expr left;
    final Expr right;

    Or(Expr left, Expr right, int line) {
      super(line);
      this.left = left;
      this.right = right;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      Object value = left.eval(r, s);
      return PyOps.truthy(value) ? value : right.eval(r, s);
    }
  }

  static final class Not extends Expr {
    final Expr node;

    Not(Expr node, int line) {
      super(line);
      this.node = node;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      return !PyOps.truthy(node.eval(r, s));
    }
  }

  static final class Negate extends Expr {
    final Expr node;

    Negate(Expr node, int line) {
      super(line);
      this.node = node;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      return PyOps.negate(node.eval(r, s));
    }
  }

  static final class Plus extends Expr {
    final Expr node;

    Plus(Expr node, int line) {
      super(line);
      this.node = node;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      return PyOps.plus(node.eval(r, s));
    }
  }

  static final class BinOp extends Expr {
    final String operator;
    final Expr left;
    final Expr right;

    BinOp(String operator, Expr left, Expr right, int line) {
      super(line);
      this.operator = operator;
      this.left = left;
      this.right = right;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      Object a = left.eval(r, s);
      Object b = right.eval(r, s);
      switch (operator) {
        case "+":
          return PyOps.add(a, b, r);
        case "-":
          return PyOps.sub(a, b);
        case "*":
          return PyOps.mul(a, b, r);
        case "/":
          return PyOps.trueDiv(a, b);
        case "//":
          return PyOps.floorDiv(a, b);
        case "%":
          return PyOps.mod(a, b, r);
        case "**":
          return PyOps.pow(a, b);
        default:
          throw new IllegalStateException(operator);
      }
    }
  }

  /** {@code a ~ b ~ c}: the {@code str()} of each, joined. */
  static final class Concat extends Expr {
    final List<Expr> items;

    Concat(List<Expr> items, int line) {
      super(line);
      this.items = items;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      StringBuilder out = new StringBuilder();
      for (Expr item : items) {
        out.append(PyOps.str(item.eval(r, s), r.maxChars()));
        r.checkLength(out.length());
      }
      return out.toString();
    }
  }

  /** A comparison chain such as {@code a < b <= c} or {@code x not in y}. */
  static final class Compare extends Expr {
    final Expr first;
    final List<String> operators;
    final List<Expr> operands;

    Compare(Expr first, List<String> operators, List<Expr> operands, int line) {
      super(line);
      this.first = first;
      this.operators = operators;
      this.operands = operands;
    }

    @Override
    Object evaluate(Renderer r, Scope s) {
      Object left = first.eval(r, s);
      for (int i = 0; i < operators.size(); i++) {
        Object right = operands.get(i).eval(r, s);
        if (!holds(operators.get(i), left, right)) {
          return false;
        }
        left = right;
      }
      return true;
    }

    private static boolean holds(String op, Object a, Object b) {
      switch (op) {
        case "eq":
          return PyOps.eq(a, b);
        case "ne":
          return !PyOps.eq(a, b);
        case "lt":
          return PyOps.compare("<", a, b);
        case "lteq":
          return PyOps.compare("<=", a, b);
        case "gt":
          return PyOps.compare(">", a, b);
        case "gteq":
          return PyOps.compare(">=", a, b);
        case "in":
          return PyOps.contains(b, a);
        case "notin":
          return !PyOps.contains(b, a);
        default:
          throw new IllegalStateException(op);
      }
    }
  }
}
