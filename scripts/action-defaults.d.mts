// Types for scripts/action-defaults.mjs, which `npm run package` runs with plain node.
export declare const ACTION_DEFAULTS_FILE: string;
export declare function actionDefaults(root: string): Record<string, string>;
export declare function actionDefaultsText(root: string): string;
