import { createRequire } from "node:module";
import type * as Mongodb from "mongodb";
import { isMissingPackage } from "@session-store/core/adapter";

/** The `mongodb` package, the store's peer dependency. */
export type MongoDriver = typeof Mongodb;

/** Loads a package by name, as `require` does; a parameter so a test can resolve from a folder without `mongodb`. */
export type Loader = (packageName: string) => unknown;

/** The message when `mongodb` is not installed: the one thing to do about it. */
export const MISSING_DRIVER_MESSAGE = "MongoStore needs the mongodb driver, which is not installed: npm install mongodb";

let loaded: MongoDriver | undefined;

/**
 * The driver, loaded when the first store is built rather than when this package is
 * imported, so a missing `mongodb` fails with the install command in the message
 * (a static import fails with Node's "Cannot find package" before any code of ours
 * runs). Synchronous, so the package stays loadable with `require()`.
 */
export function mongoDriver(): MongoDriver {
  loaded ??= loadMongoDriver(createRequire(import.meta.url));
  return loaded;
}

export function loadMongoDriver(load: Loader): MongoDriver {
  try {
    return load("mongodb") as MongoDriver;
  } catch (error) {
    if (isMissingPackage(error, "mongodb")) throw new Error(MISSING_DRIVER_MESSAGE, { cause: error });
    throw error;
  }
}
