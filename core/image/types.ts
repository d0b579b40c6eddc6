// The image model as core hands it out: images, members, tasks, list options and the ports the service needs.

/** Glance's image statuses. */
export type ImageStatus = 'queued' | 'saving' | 'uploading' | 'importing' | 'active' | 'deactivated' | 'killed' | 'deleted' | 'pending_delete';

export type Visibility = 'public' | 'private' | 'shared' | 'community';

export type MemberStatus = 'pending' | 'accepted' | 'rejected';

/** One image with its tags and free-form properties. */
export interface Image {
  id: string;
  /** `ami-` + 17 hex digits, assigned at creation. */
  ec2Id: string;
  name: string | null;
  status: ImageStatus;
  visibility: Visibility;
  owner: string | null;
  containerFormat: string | null;
  diskFormat: string | null;
  size: number | null;
  virtualSize: number | null;
  checksum: string | null;
  osHashAlgo: string | null;
  osHashValue: string | null;
  minDisk: number;
  minRam: number;
  protected: boolean;
  osHidden: boolean;
  createdAt: number;
  updatedAt: number;
  tags: string[];
  /** Free-form properties, including the `os_glance_*` ones core sets. */
  properties: Record<string, string>;
  /** True once data is stored (a download returns it). */
  hasData: boolean;
}

/** What a create call may set. Unknown keys are free-form string properties. */
export interface CreateImageInput {
  id?: string;
  name?: string | null;
  visibility?: Visibility;
  owner?: string | null;
  containerFormat?: string | null;
  diskFormat?: string | null;
  minDisk?: number;
  minRam?: number;
  protected?: boolean;
  osHidden?: boolean;
  tags?: string[];
  /** Every other attribute of the request, as given (core checks names and value types). */
  extra?: Record<string, unknown>;
}

/** One JSON-patch step, already decoded from its pointer: `attr` is the top-level attribute name. */
export interface ImageChange {
  op: 'add' | 'replace' | 'remove';
  attr: string;
  value?: unknown;
}

/** A comparison on a timestamp filter (`created_at=gte:2024-01-01T00:00:00Z`). */
export interface TimeFilter {
  op: 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte';
  at: number;
}

/** Sortable image attributes. */
export type SortKey =
  | 'name'
  | 'status'
  | 'container_format'
  | 'disk_format'
  | 'size'
  | 'virtual_size'
  | 'id'
  | 'created_at'
  | 'updated_at'
  | 'visibility'
  | 'owner'
  | 'min_disk'
  | 'min_ram';

/** Filters, sort and paging of an image list. */
export interface ListImagesOptions {
  /** Each list filter matches any of its values (Glance's `in:` form, or one value). */
  name?: string[];
  status?: string[];
  visibility?: Visibility | 'all';
  owner?: string;
  containerFormat?: string[];
  diskFormat?: string[];
  sizeMin?: number;
  sizeMax?: number;
  tags?: string[];
  memberStatus?: MemberStatus | 'all';
  protected?: boolean;
  osHidden?: boolean;
  ids?: string[];
  createdAt?: TimeFilter[];
  updatedAt?: TimeFilter[];
  /** Free-form property equality filters. */
  properties?: Record<string, string>;
  sort?: Array<{ key: SortKey; dir: 'asc' | 'desc' }>;
  limit?: number;
  marker?: string;
}

/** One page of images; `more` says whether a next page exists. */
export interface ImagePage {
  images: Image[];
  more: boolean;
}

/** A project an image is shared with. */
export interface ImageMember {
  imageId: string;
  member: string;
  status: MemberStatus;
  createdAt: number;
  updatedAt: number;
}

export type TaskStatus = 'pending' | 'processing' | 'success' | 'failure';

/** An asynchronous task (imports run as one). */
export interface ImageTask {
  id: string;
  type: string;
  status: TaskStatus;
  owner: string | null;
  imageId: string | null;
  input: Record<string, unknown>;
  result: Record<string, unknown> | null;
  message: string;
  requestId: string | null;
  userId: string | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
}

/** An import request (`POST /v2/images/{id}/import`). */
export interface ImportRequest {
  method: string;
  /** web-download: the URL to fetch. */
  uri?: string;
  stores?: string[];
  allStores?: boolean;
  allStoresMustSucceed?: boolean;
}

/** The body of a fetched URL, as the SSRF-safe fetcher hands it over. */
export interface FetchedBody {
  body: ReadableStream<Uint8Array>;
  /** Declared length, when the server sent one. */
  size?: number;
}

/**
 * Fetches a URL for web-download. Implementations refuse anything unsafe (scheme, port, resolved
 * address, redirects re-checked per hop, size and time caps) with an `Invalid` CoreError whose
 * message says why; nothing is fetched then.
 */
export interface UrlFetcher {
  fetch(url: string, opts: { maxBytes: number; signal?: AbortSignal }): Promise<FetchedBody>;
}

/** Per-project image quotas; undefined means unlimited. */
export interface ImageQuotas {
  /** image_count_total */
  imageCount?: number;
  /** image_size_total, bytes. */
  totalBytes?: number;
  /** image_stage_total, bytes. */
  stageBytes?: number;
}

/** One byte range of a download: `start`..`end` inclusive, or the last `suffix` bytes. */
export type ByteRange = { start: number; end?: number } | { suffix: number };

/** A download: the bytes (or the asked range of them) and what the wire needs to describe them. */
export interface ImageDownload {
  body: ReadableStream<Uint8Array>;
  size: number;
  checksum: string | null;
  range?: { start: number; end: number; total: number };
}
