import type { JsonSchema } from '../types.js';

// Renders the fields of a channel kind's settings JSON Schema (zod's toJSONSchema output): strings, numbers,
// booleans, enums, string lists and nested objects. Secret settings are password inputs that stay empty when
// editing: an empty secret means "keep the stored one".

/** Values of a form, keyed by dotted path (`uploads.maxBytes`). */
export type FormValues = Readonly<Record<string, string | boolean>>;

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return 'enum';
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (!type && schema.anyOf) return typeOf(schema.anyOf.find((s) => s.type !== 'null') ?? {});
  return (type as string | undefined) ?? 'string';
}

const fieldId = (prefix: string, path: string) => `${prefix}-${path.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

/** Initial form values from stored settings (secrets left empty). */
export function initialValues(
  schema: JsonSchema,
  settings: Readonly<Record<string, unknown>>,
  secrets: readonly string[],
  prefix = '',
): Record<string, string | boolean> {
  const values: Record<string, string | boolean> = {};
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    const value = settings[name] ?? field.default;
    const type = typeOf(field);
    if (type === 'object') {
      Object.assign(values, initialValues(field, (value ?? {}) as Record<string, unknown>, [], path));
    } else if (!prefix && secrets.includes(name)) {
      values[path] = '';
    } else if (type === 'boolean') {
      // No stored value and no default: left unset, so an untouched box sends nothing (the channel's own rule).
      if (value !== undefined) values[path] = value === true;
    } else if (type === 'array') {
      values[path] = Array.isArray(value) ? value.join('\n') : '';
    } else {
      values[path] = value === undefined || value === null ? '' : String(value);
    }
  }
  return values;
}

/**
 * Settings from form values: empty optional fields are left out (the schema's default applies), numbers parsed,
 * list fields split by line. On update an empty secret is left out too, so the stored one is kept.
 */
export function settingsFrom(schema: JsonSchema, values: FormValues, prefix = ''): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    const type = typeOf(field);
    if (type === 'object') {
      const nested = settingsFrom(field, values, path);
      if (Object.keys(nested).length > 0) settings[name] = nested;
      continue;
    }
    const raw = values[path];
    if (type === 'boolean') {
      if (raw !== undefined) settings[name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (text === '') continue;
    if (type === 'number' || type === 'integer') settings[name] = Number(text);
    else if (type === 'array')
      settings[name] = text
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    else settings[name] = text;
  }
  return settings;
}

interface SchemaFieldsProps {
  readonly schema: JsonSchema;
  readonly values: FormValues;
  readonly secrets: readonly string[];
  readonly editing: boolean;
  readonly idPrefix: string;
  readonly errorField?: string | undefined;
  readonly onChange: (path: string, value: string | boolean) => void;
  readonly prefix?: string;
}

/** The inputs of one (nested) object schema. */
export function SchemaFields(props: SchemaFieldsProps) {
  const { schema, values, secrets, editing, idPrefix, onChange } = props;
  const prefix = props.prefix ?? '';
  const required = new Set(schema.required ?? []);
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([name, field]) => {
        const path = prefix ? `${prefix}.${name}` : name;
        const id = fieldId(idPrefix, path);
        const type = typeOf(field);
        const label = field.title ?? name;
        const help = field.description;
        const invalid = props.errorField === `settings.${path}` || props.errorField === path;
        if (type === 'object') {
          return (
            <fieldset key={path} class="nested">
              <legend>{label}</legend>
              {help && <p class="help">{help}</p>}
              <SchemaFields {...props} schema={field} prefix={path} />
            </fieldset>
          );
        }
        const secret = !prefix && secrets.includes(name);
        const isRequired = required.has(name) && field.default === undefined && !(secret && editing);
        const helpId = help || secret ? `${id}-help` : undefined;
        const common = {
          id,
          name: path,
          'aria-invalid': invalid ? ('true' as const) : undefined,
          'aria-describedby': helpId,
        };
        let input: preact.JSX.Element;
        if (type === 'boolean') {
          return (
            <div key={path} class="field checkbox">
              <input
                {...common}
                type="checkbox"
                checked={values[path] === true}
                onChange={(event) => onChange(path, (event.currentTarget as HTMLInputElement).checked)}
              />
              <label for={id}>{label}</label>
              {help && (
                <p class="help" id={helpId}>
                  {help}
                </p>
              )}
            </div>
          );
        }
        const value = typeof values[path] === 'string' ? (values[path] as string) : '';
        const set = (event: Event) => onChange(path, (event.currentTarget as HTMLInputElement).value);
        if (type === 'enum') {
          input = (
            <select {...common} value={value} onChange={set} required={isRequired}>
              {!isRequired && <option value="">(default)</option>}
              {(field.enum ?? []).map((option) => (
                <option key={String(option)} value={String(option)}>
                  {String(option)}
                </option>
              ))}
            </select>
          );
        } else if (type === 'array') {
          input = <textarea {...common} rows={3} value={value} onInput={set} required={isRequired} />;
        } else {
          const inputType = secret
            ? 'password'
            : type === 'number' || type === 'integer'
              ? 'number'
              : field.format === 'uri' || field.format === 'url'
                ? 'url'
                : field.format === 'email'
                  ? 'email'
                  : 'text';
          input = (
            <input
              {...common}
              type={inputType}
              value={value}
              onInput={set}
              required={isRequired}
              autoComplete={secret ? 'new-password' : 'off'}
              {...(field.maxLength ? { maxLength: field.maxLength } : {})}
              {...(field.minimum !== undefined ? { min: field.minimum } : {})}
              {...(field.maximum !== undefined ? { max: field.maximum } : {})}
              {...(field.default !== undefined && typeof field.default !== 'object'
                ? { placeholder: String(field.default) }
                : {})}
            />
          );
        }
        return (
          <div key={path} class="field">
            <label for={id}>
              {label}
              {isRequired && <span aria-hidden="true"> *</span>}
              {isRequired && <span class="sr-only"> (required)</span>}
            </label>
            {input}
            {(help || secret) && (
              <p class="help" id={helpId}>
                {help}
                {secret && (editing ? ' Secret: leave empty to keep the stored value.' : ' Secret: stored encrypted.')}
              </p>
            )}
          </div>
        );
      })}
    </>
  );
}
