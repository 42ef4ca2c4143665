/**
 * The prepared dataset's contract, shared by the stage that writes it (prepare) and the stages that
 * read it (train, evaluate): folder layout, column names and split names.
 */
package io.adapterforge.dataset;
