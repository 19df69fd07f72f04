export function copyServerAssets(root: string, outDir: string): string[];
