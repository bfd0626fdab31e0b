// Types for scripts/build-info.mjs, which `npm run package` runs with plain node.
export declare const BUILD_INFO_FILE: string;
export declare function buildInputs(root: string): string[];
export declare function sourceDigest(root: string): string;
export declare function buildInfoText(root: string): string;
