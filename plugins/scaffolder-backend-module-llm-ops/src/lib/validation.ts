import { InputError } from '@backstage/errors';
import { z } from 'zod/v3';

/*
 * Input rules shared by the actions. Every rule is a regular expression so that it also lands in
 * the JSON Schema the scaffolder shows and checks (refinements would be lost in the conversion).
 * The handlers parse their input again with the same zod schema before calling anything, so a
 * direct call (tests, other callers) is held to the same rules.
 */

/** The zod the scaffolder hands to schema functions (`zod/v3`). */
export type Zod = typeof z;

/** A Kubernetes object name (RFC 1123 label): what becomes a cluster object. */
export const K8S_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const K8S_NAME_RULE =
  'a Kubernetes name: lower case letters, digits and "-", at most 63 characters, starting and ending with a letter or digit';

/** A DNS subdomain (Kubernetes cluster names, run names): a K8s name that may also contain dots. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
export const DNS_SUBDOMAIN_RULE =
  'lower case letters, digits, "-" and ".", at most 253 characters, starting and ending with a letter or digit';

/** Names of experiments, models and datasets: letters, digits, ".", "_" and "-". */
export const ASSET_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,253}[A-Za-z0-9])?$/;
export const ASSET_NAME_RULE =
  'letters, digits, ".", "_" and "-", at most 255 characters, starting and ending with a letter or digit';

/** A catalog entity ref such as `model:default/llama-3-8b` (kind and namespace optional). */
export const ENTITY_REF =
  /^([A-Za-z][A-Za-z0-9-]{0,62}:)?([a-z0-9][a-z0-9._-]{0,62}\/)?[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** An existing asset: its name, its llm-ops id or its catalog entity ref (what EntityPicker returns). */
export const ASSET_REFERENCE = new RegExp(
  `(${ASSET_NAME.source})|(${ENTITY_REF.source})`,
);
export const ASSET_REFERENCE_RULE =
  'a name (letters, digits, ".", "_", "-"), an llm-ops id, or a catalog entity ref such as model:default/my-model';

/** A Kubernetes-named asset (endpoint, pipeline): its name, id or entity ref. */
export const K8S_REFERENCE = new RegExp(
  `(${K8S_NAME.source})|(^[a-z][a-z0-9-]{0,62}:([a-z0-9][a-z0-9._-]{0,62}\\/)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$)`,
);

/** An owner entity ref (OwnerPicker), e.g. `group:default/ml-platform`. */
export const OWNER_REF =
  /^((user|group):)?([a-z0-9][a-z0-9._-]{0,62}\/)?[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/i;

/** The llm-ops id of a run. */
export const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** A model version number as the registry hands them out: 1, 2, ... */
export const MODEL_VERSION = /^[1-9][0-9]{0,14}$/;

/** A model alias such as `champion`. */
export const MODEL_ALIAS = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;

/** A dataset version label. */
export const DATASET_VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A URI with a scheme (s3://, gs://, https://, runs:/, mlflow-artifacts:/, hf://, ...). */
export const URI = /^[A-Za-z][A-Za-z0-9+.-]{0,31}:[^\s"'`<>{}|\\^$]{1,2040}$/;
export const URI_RULE =
  'a URI with a scheme, such as s3://bucket/path, without spaces, quotes or template syntax';

/** A content digest, e.g. `md5:0123abcd` or a DVC directory hash `0123abcd.dir`. */
export const DIGEST = /^[A-Za-z0-9][A-Za-z0-9:._+=-]{0,511}$/;

/** A file format such as parquet, jsonl or csv. */
export const FORMAT = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/** A path inside a repository: no leading "/", no ".." segment, no shell or template syntax. */
export const REPO_PATH =
  /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._@+=,-]+(\/[A-Za-z0-9._@+=,-]+)*\/?$/;

/** A git revision: branch, tag or commit. */
export const REVISION =
  /^(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$/;

/** Tag keys, e.g. `team` or `llm-ops.io/base-model`. */
export const TAG_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,249}$/;

/** A pipeline parameter name (an Argo parameter). */
export const PARAMETER_NAME = /^[A-Za-z0-9_][-A-Za-z0-9_.]{0,127}$/;

/**
 * A single-line value without control characters or `{{` (which Argo would expand, and which
 * would smuggle template syntax into a workflow).
 */
// Matching control characters is the point here.
// eslint-disable-next-line no-control-regex
export const SAFE_TEXT = /^(?![\s\S]*\{\{)[^\u0000-\u001f\u007f]*$/;
export const SAFE_TEXT_RULE =
  'a single line without control characters or "{{" template syntax';

/** A human-readable reason why a value looks like an injection attempt, if it does. */
export function injectionReason(value: string): string | undefined {
  if (/[\r\n]/.test(value)) {
    return 'it contains a line break, which could inject YAML';
  }
  if (/\{\{|\$\{|\{%/.test(value)) {
    return 'it contains template syntax ("{{", "${" or "{%")';
  }
  if (/[;&|`$<>()\\]/.test(value)) {
    return 'it contains shell metacharacters';
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    return 'it contains control characters';
  }
  if (/^\s|\s$/.test(value)) {
    return 'it has leading or trailing whitespace';
  }
  if (/(^|\/)\.\.(\/|$)/.test(value)) {
    return 'it contains a ".." path segment';
  }
  return undefined;
}

/** A short, quoted preview of a value for error messages (names only, never whole inputs). */
function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(input: unknown, path: (string | number)[]): unknown {
  let value: any = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = value[key];
  }
  return value;
}

/** The zod object for an action's input shape (the same functions the action's schema uses). */
export function objectSchema<
  TShape extends Record<string, (zImpl: Zod) => z.ZodTypeAny>,
>(shape: TShape) {
  return z.object(
    Object.fromEntries(
      Object.entries(shape).map(([key, make]) => [key, make(z)]),
    ) as { [K in keyof TShape]: ReturnType<TShape[K]> },
  );
}

/**
 * Parses an action's input with its zod schema before anything runs. Every problem is listed in
 * one InputError; a value that looks like an injection attempt (YAML, shell, template syntax) is
 * called out as such.
 */
export function parseInput<
  TShape extends Record<string, (zImpl: Zod) => z.ZodTypeAny>,
>(
  actionId: string,
  shape: TShape,
  input: unknown,
): z.infer<ReturnType<typeof objectSchema<TShape>>> {
  const result = objectSchema(shape).safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map(issue => {
    const field = issue.path.join('.') || '(input)';
    const value = valueAt(input, issue.path);
    const reason = typeof value === 'string' ? injectionReason(value) : '';
    // Only top-level fields (names, numbers) are quoted; values inside maps such as pipeline
    // parameters or tags might be sensitive and stay out of the task log.
    const got =
      value === undefined || issue.path.length > 1
        ? ''
        : ` (got ${preview(value)})`;
    return `"${field}": ${issue.message}${got}${
      reason ? `; refused because ${reason}` : ''
    }`;
  });
  throw new InputError(
    `Invalid input to ${actionId}, nothing was done: ${problems.join('; ')}`,
  );
}

/** Throws an InputError naming the action, for rules that span several fields. */
export function refuse(actionId: string, message: string): never {
  throw new InputError(
    `Invalid input to ${actionId}, nothing was done: ${message}`,
  );
}

// --- schema builders shared by the actions ------------------------------------------------

export const k8sName = (zImpl: Zod, description: string) =>
  zImpl
    .string({ description: `${description} Must be ${K8S_NAME_RULE}.` })
    .regex(K8S_NAME, { message: `must be ${K8S_NAME_RULE}` });

export const assetName = (zImpl: Zod, description: string) =>
  zImpl
    .string({ description: `${description} ${ASSET_NAME_RULE}.` })
    .regex(ASSET_NAME, { message: `must be ${ASSET_NAME_RULE}` });

export const assetReference = (zImpl: Zod, description: string) =>
  zImpl
    .string({ description: `${description} Give ${ASSET_REFERENCE_RULE}.` })
    .max(255)
    .regex(ASSET_REFERENCE, { message: `must be ${ASSET_REFERENCE_RULE}` });

export const k8sReference = (zImpl: Zod, description: string) =>
  zImpl
    .string({
      description: `${description} Give its name (${K8S_NAME_RULE}), its llm-ops id or its catalog entity ref.`,
    })
    .max(255)
    .regex(K8S_REFERENCE, {
      message: `must be ${K8S_NAME_RULE}, an llm-ops id or a catalog entity ref`,
    });

export const description = (zImpl: Zod, what: string) =>
  zImpl
    .string({ description: `A description of the ${what}.` })
    .max(10000)
    .optional();

export const owner = (zImpl: Zod, what: string) =>
  zImpl
    .string({
      description: `The owner of the ${what}, an entity ref such as group:default/ml-platform (OwnerPicker).`,
    })
    .max(255)
    .regex(OWNER_REF, {
      message: 'must be a user or group entity ref, e.g. group:default/team',
    })
    .optional();

export const tags = (zImpl: Zod, what: string) =>
  zImpl
    .record(
      zImpl.string().regex(TAG_KEY, {
        message:
          'tag keys must be letters, digits, ".", "_", "/" and "-", at most 250 characters',
      }),
      zImpl.union([
        zImpl
          .string()
          .max(5000)
          .regex(SAFE_TEXT, {
            message: `tag values must be ${SAFE_TEXT_RULE}`,
          }),
        zImpl.number(),
        zImpl.boolean(),
      ]),
      {
        description: `Key/value tags of the ${what} (at most 100); numbers and booleans are stored as text.`,
      },
    )
    .refine(value => Object.keys(value).length <= 100, {
      message: 'at most 100 tags',
    })
    .optional();

/** Tags as the API takes them: every value as text. */
export function tagsAsText(
  values: Record<string, string | number | boolean> | undefined,
): Record<string, string> | undefined {
  if (!values) return undefined;
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, String(value)]),
  );
}
