import { z } from 'zod';

/** Where a setting is read from and how a bad value is reported; the meaning is the schema's `.describe()`. */
export interface SettingMeta {
  /** Environment variable name. */
  readonly env: string;
  /** Key in the JSON config file. */
  readonly key: string;
  /** What a valid value looks like, for error messages. Never includes the actual value. */
  readonly expected: string;
  /** The README's default column when the default is computed by `loadConfig` rather than a schema `.default()`. */
  readonly defaultText?: string;
}

/** Every setting's {@link SettingMeta}, keyed by its schema (a leaf of `bridgeSettingsSchema`). */
export const settingsRegistry = z.registry<SettingMeta>();

/**
 * Marks a value schema as one setting: `description` (the README's meaning) goes to `.describe()`, the rest to
 * {@link settingsRegistry}. Give the default with `.default()` on `schema`, so it is written once.
 */
export function setting<T extends z.ZodType>(schema: T, meta: SettingMeta & { readonly description: string }): T {
  const { description, ...rest } = meta;
  const described = schema.describe(description);
  const leaf: z.ZodType = described;
  settingsRegistry.add(leaf, rest);
  return described;
}

/** One leaf of a settings schema. */
export interface SettingLeaf {
  /** Path in the parsed configuration, e.g. `['queue', 'leaseMs']`. */
  readonly path: readonly string[];
  readonly schema: z.ZodType;
  readonly meta: SettingMeta;
  /** The schema's `.describe()`. */
  readonly description: string;
}

/** The settings of `section` (nested sections included), in declaration order: the order problems are reported in. */
export function listSettings(section: z.ZodObject, prefix: readonly string[] = []): SettingLeaf[] {
  const leaves: SettingLeaf[] = [];
  for (const [name, child] of Object.entries(section.shape)) {
    const meta = settingsRegistry.get(child);
    if (meta) leaves.push({ path: [...prefix, name], schema: child, meta, description: child.description ?? '' });
    else if (child instanceof z.ZodObject) leaves.push(...listSettings(child, [...prefix, name]));
  }
  return leaves;
}

/**
 * Builds the input of `section` from a reader of raw values (undefined = not set), in the nesting of the schema,
 * so one `safeParse` validates everything at once.
 */
export function settingsInput(section: z.ZodObject, read: (meta: SettingMeta) => unknown): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, child] of Object.entries(section.shape)) {
    const meta = settingsRegistry.get(child);
    if (meta) {
      // Unset settings are present as undefined: `optional()` keeps the key, `.default()` fills it in.
      input[name] = read(meta);
    } else if (child instanceof z.ZodObject) input[name] = settingsInput(child, read);
  }
  return input;
}

/** What the README shows as a setting's default: the schema's `.default()`, `defaultText`, `required` or nothing. */
export function defaultTextOf(leaf: SettingLeaf): string {
  const unset = leaf.schema.safeParse(undefined);
  if (!unset.success) return 'required';
  if (unset.data === undefined) return leaf.meta.defaultText ?? '';
  return `\`${String(unset.data)}\``;
}
