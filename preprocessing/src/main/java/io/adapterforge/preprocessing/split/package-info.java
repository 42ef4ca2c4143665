/** Train/validation/test assignment as a pure function of the example id. */
package io.adapterforge.preprocessing.split;
