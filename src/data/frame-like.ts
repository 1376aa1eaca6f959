/**
 * The dataframe shapes rcteval accepts from notebooks, typed structurally (neither arquero nor
 * danfo.js is a dependency): the one `ArqueroLike` and the one `DanfoLike` of the library, read
 * by the data loaders (`fromArquero`, `fromDanfo`) and by the model functions alike.
 */

/**
 * An arquero table: `columnNames()` and `numRows()`, and for reading either `array(name)` (a
 * column), `objects()` (rows) or `get(name, row)`. Every arquero `Table` has all of them.
 */
export interface ArqueroLike {
  columnNames(): string[];
  numRows(): number;
  array?(name: string): ArrayLike<unknown>;
  objects?(): object[];
  get?(name: string, row?: number): unknown;
}

/**
 * A danfo.js `DataFrame`'s shape: `columns` and row-major `values`. Typed loosely enough that a
 * real DataFrame (whose `values` is typed `ArrayType1D | ArrayType2D`) is accepted as is; a row
 * that is not an array of one value per column is refused when read.
 */
export interface DanfoLike {
  readonly columns: readonly string[];
  readonly values: readonly unknown[];
}
