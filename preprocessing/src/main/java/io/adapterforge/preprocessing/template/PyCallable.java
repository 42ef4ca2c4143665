package io.adapterforge.preprocessing.template;

/** Anything a template may call: the engine's built-in functions, bound methods and macros. */
interface PyCallable {
  Object call(Renderer renderer, Args args);
}
