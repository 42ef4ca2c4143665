package io.adapterforge.preprocessing.template;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A statement of the template's syntax tree: text, {@code {{ … }}} output, and the {@code {% … %}}
 * tags. Immutable once parsed; see {@link Expr}.
 */
abstract class Stmt {
  /** How a statement ended: normally, or by {@code break}/{@code continue} of a loop. */
  enum Flow {
    NORMAL,
    BREAK,
    CONTINUE
  }

  final int line;

  Stmt(int line) {
    this.line = line;
  }

  final Flow execute(Renderer r, Scope s, Output out) {
    try {
      return run(r, s, out);
    } catch (PyException e) {
      throw e.atLine(line);
    }
  }

  abstract Flow run(Renderer r, Scope s, Output out);

  static Flow executeAll(List<Stmt> body, Renderer r, Scope s, Output out) {
    for (Stmt stmt : body) {
      Flow flow = stmt.execute(r, s, out);
      if (flow != Flow.NORMAL) {
        return flow;
      }
    }
    return Flow.NORMAL;
  }

  /** Renders {@code body} into a string of its own, in {@code scope}. */
  static String capture(List<Stmt> body, Renderer r, Scope scope) {
    Output buffer = r.newOutput();
    executeAll(body, r, scope, buffer);
    return buffer.toString();
  }

  static final class Text extends Stmt {
    final String text;

    Text(String text, int line) {
      super(line);
      this.text = text;
    }

    @Override
    Flow run(Renderer r, Scope s, Output out) {
      out.append(text);
      return Flow.NORMAL;
    }
  }

  /** {@code {{ expr }}} and {@code {% print a, b %}}. */
  static final class Print extends Stmt {
    final List<Expr> exprs;

    Print(List<Expr> exprs, int line) {
      super(line);
      this.exprs = exprs;
    }

    @Override
    Flow run(Renderer r, Scope s, Output out) {
      for (Expr expr : exprs) {
        try {
          out.append(PyOps.str(expr.eval(r, s), r.maxChars()));
        } catch (PyException e) {
          throw e.atLine(expr.line);
        }
      }
      return Flow.NORMAL;
    }
  }

  static final class If extends Stmt {
    final List<Expr> tests;

    /** The line of each test: the {@code if} tag's, then where each {@code elif} test starts. */
    final List<Integer> testLines;

    final List<List<Stmt>> bodies;
    final List<Stmt> elseBody;

    If(
        List<Expr> tests,
        List<Integer> testLines,
        List<List<Stmt>> bodies,
        List<Stmt> elseBody,
        int line) {
      super(line);
      this.tests = tests;
      this.testLines = testLines;
      this.bodies = bodies;
      this.elseBody = elseBody;
    }

    @Override
    Flow run(Renderer r, Scope s, Output out) {
      for (int i = 0; i < tests.size(); i++) {
        boolean taken;
        try {
          taken = PyOps.truthy(tests.get(i).eval(r, s));
        } catch (PyException e) {
          throw e.atLine(testLines.get(i));
        }
        if (taken) {
          return executeAll(bodies.get(i), r, s, out);
        }
      }
      return executeAll(elseBody, r, s, out);
    }
  }

  static final class For extends Stmt {
    final Expr target;
    final Expr iterable;
    final List<Stmt> body;
    final List<Stmt> elseBody;
    final Expr filter;
    final boolean recursive;
    final Frame bodyFrame = new Frame();
    final Frame elseFrame = new Frame();

    For(
        Expr target,
        Expr iterable,
        List<Stmt> body,
        List<Stmt> elseBody,
        Expr filter,
        boolean recursive,
        int line) {
      super(line);
      this.target = target;
      this.iterable = iterable;
      this.body = body;
      this.elseBody = elseBody;
      this.filter = filter;
      this.recursive = recursive;
    }

    @Override
    Flow run(Renderer r, Scope s, Output out) {
      loop(r, s, out, iterable.eval(r, s), 0);
      return Flow.NORMAL;
    }

    private void loop(Renderer r, Scope s, Output out, Object values, int depth0) {
      List<Object> items = new ArrayList<>();
      Iterator<Object> it = PyOps.iterate(values);
      while (it.hasNext()) {
        Object item = it.next();
        if (filter != null) {
          Scope testScope = s.child();
          target.assign(r, testScope, item);
          if (!PyOps.truthy(filter.eval(r, testScope))) {
            continue;
          }
        }
        items.add(item);
      }
      if (items.isEmpty()) {
        executeAll(elseBody, r, elseFrame.enter(s), out);
        return;
      }
      LoopContext.Recursion recursion = null;
      if (recursive) {
        recursion =
            (renderer, iterable, depth) -> {
              Output buffer = renderer.newOutput();
              renderer.enterCall();
              try {
                loop(renderer, s, buffer, iterable, depth);
              } finally {
                renderer.exitCall();
              }
              return buffer.toString();
            };
      }
      LoopContext loop = new LoopContext(items, depth0, recursion);
      for (int i = 0; i < items.size(); i++) {
        r.countIteration();
        loop.advance(i);
        // Every iteration starts from a fresh scope: jinja2 does not carry a {% set %} in the
        // loop body over to the next iteration, nor out of the loop.
        Scope iteration = bodyFrame.enter(s);
        target.assign(r, iteration, items.get(i));
        iteration.set("loop", loop);
        if (executeAll(body, r, iteration, out) == Flow.BREAK) {
          break;
        }
      }
    }
  }

  static final class Assign extends Stmt {
    final Expr target;
    final Expr value;

    Assign(Expr target, Expr value, int line) {
      super(line);
      this.target = target;
      this.value = value;
    }

    @Override
    Flow run(Renderer r, Scope s, Output out) {
      target.assign(r, s, value.eval(r, s));
      return Flow.NORMAL;
    }
  }

  /** {@code {% set x | filter %}…{% endset %}}. */
  static final class AssignBlock extends Stmt {
    final Expr target;
    final Expr.FilterCall filter;
    final List<Stmt> body;
    final Frame bodyFrame = new Frame();

    AssignBlock(Expr target, Expr.FilterCall filter, List<Stmt> body, int line) {
      super(line);
      this.target = target;
      this.filter = filter;
      this.body = body;
    }

    @Override
    Flow run(Renderer r, Scope s, Output out) {
      Object value = capture(body, r, bodyFrame.enter(s));
      if (filter != null) {
        value = filter.applyTo(r, s, value);
      }
      target.assign(r, s, value);
      return Flow.NORMAL;
    }
  }

  static final class MacroDef extends Stmt {
    final Macro.Definition definition;

    MacroDef(Macro.Definition definition, int line) {
      super(line);
      this.definition = definition;
    }

    @Override
    Flow run(Renderer r, Scope s, Output out) {
      s.set(definition.name(), new Macro(definition, s));
      return Flow.NORMAL;
    }
  }

  /** {@code {% call(args) macro(…) %}body{% endcall %}}: the body becomes {@code caller()}. */
  static final class CallBlock extends Stmt {
    final Expr.Call call;
    final Macro.Definition caller;

    CallBlock(Expr.Call call, Macro.Definition caller, int line) {
      super(line);
      this.call = call;
      this.caller = caller;
    }

    @Override
    Flow run(Renderer r, Scope s, Output out) {
      Object result = call.callWith(r, s, "caller", new Macro(caller, s));
      out.append(PyOps.str(result, r.maxChars()));
      return Flow.NORMAL;
    }
  }

  static final class FilterBlock extends Stmt {
    final Expr.FilterCall filter;
    final List<Stmt> body;
    final Frame bodyFrame = new Frame();

    FilterBlock(Expr.FilterCall filter, List<Stmt> body, int line) {
      super(line);
      this.filter = filter;
      this.body = body;
    }

    @Override
    Flow run(Renderer r, Scope s, Output out) {
      Scope inner = bodyFrame.enter(s);
      String text = capture(body, r, inner);
      out.append(PyOps.str(filter.applyTo(r, inner, text), r.maxChars()));
      return Flow.NORMAL;
    }
  }

  static final class With extends Stmt {
    final List<Expr> targets;
    final List<Expr> values;
    final List<Stmt> body;
    final Frame bodyFrame = new Frame();

    With(List<Expr> targets, List<Expr> values, List<Stmt> body, int line) {
      super(line);
      this.targets = targets;
      this.values = values;
      this.body = body;
    }

    @Override
    Flow run(Renderer r, Scope s, Output out) {
      Scope inner = bodyFrame.enter(s);
      for (int i = 0; i < targets.size(); i++) {
        targets.get(i).assign(r, inner, values.get(i).eval(r, s));
      }
      return executeAll(body, r, inner, out);
    }
  }

  /**
   * transformers' {@code {% generation %}…{% endgeneration %}} tag, which marks assistant text for
   * its assistant-token mask. Rendering is unchanged, in a scope of its own as transformers'
   * call-block implementation gives it.
   */
  static final class Generation extends Stmt {
    final List<Stmt> body;
    final Frame bodyFrame = new Frame();

    Generation(List<Stmt> body, int line) {
      super(line);
      this.body = body;
    }

    @Override
    Flow run(Renderer r, Scope s, Output out) {
      r.enterCall();
      try {
        out.append(capture(body, r, bodyFrame.enter(s)));
      } finally {
        r.exitCall();
      }
      return Flow.NORMAL;
    }
  }

  static final class LoopControl extends Stmt {
    final Flow flow;

    LoopControl(Flow flow, int line) {
      super(line);
      this.flow = flow;
    }

    @Override
    Flow run(Renderer r, Scope s, Output out) {
      return flow;
    }
  }
}
