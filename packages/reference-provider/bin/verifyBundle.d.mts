/** Types of verifyBundle.mjs (see there). */
export declare const externalPackages: ReadonlyArray<string>;
export declare const freshBundle: (
  cacheRoot: string,
  entries: Readonly<Record<string, string>>,
) => string | undefined;
export declare const buildBundle: (
  cacheRoot: string,
  entries: Readonly<Record<string, string>>,
) => Promise<string>;
