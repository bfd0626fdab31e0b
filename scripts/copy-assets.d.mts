// Types for scripts/copy-assets.mjs, which `npm run package` runs with plain node.
export declare function joinedModule(): string;
export declare function joinedPlatform(): string;
