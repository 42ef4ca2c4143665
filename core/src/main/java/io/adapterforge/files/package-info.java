/** Small file helpers shared by the stages. */
package io.adapterforge.files;
