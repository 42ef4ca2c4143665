package io.adapterforge.preprocessing.template;

/** Python's {@code slice(start, stop, step)}; each part is {@link PyNone#NONE} when omitted. */
record PySlice(Object start, Object stop, Object step) {}
