// `GET /info`: Swift's capabilities document, listing exactly the features this face implements.
import { BULK_DELETE_LIMITS, BULK_EXTRACT_LIMITS } from './bulk.js';
import { MAX_FILE_SIZE } from './object.js';
import { SLO_LIMITS } from './slo.js';
import { META_LIMITS } from '../headers.js';
import { LISTING_LIMIT } from '../request-parse.js';
import { NAME_LIMITS } from '../path.js';
import { TEMPURL_DIGESTS, TEMPURL_METHODS } from '../tempurl.js';
import { STORAGE_POLICY } from '../views.js';

/** The Swift release whose API behaviour this face follows. */
export const SWIFT_VERSION = '2.30.1';

/** The capabilities JSON (`swift capabilities`, tempest feature discovery). */
export function capabilities(): Record<string, unknown> {
  return {
    swift: {
      version: SWIFT_VERSION,
      max_file_size: MAX_FILE_SIZE,
      max_meta_name_length: META_LIMITS.maxMetaNameLength,
      max_meta_value_length: META_LIMITS.maxMetaValueLength,
      max_meta_count: META_LIMITS.maxMetaCount,
      max_meta_overall_size: META_LIMITS.maxMetaOverallSize,
      max_header_size: META_LIMITS.maxHeaderSize,
      max_object_name_length: NAME_LIMITS.maxObjectNameLength,
      container_listing_limit: LISTING_LIMIT,
      account_listing_limit: LISTING_LIMIT,
      max_account_name_length: NAME_LIMITS.maxAccountNameLength,
      max_container_name_length: NAME_LIMITS.maxContainerNameLength,
      extra_header_count: 0,
      policies: [{ name: STORAGE_POLICY, default: true }],
      strict_cors_mode: true,
      valid_api_versions: ['v1', 'v1.0'],
      allow_account_management: false,
      account_autocreate: true,
    },
    versioned_writes: { allowed_flags: ['x-versions-location', 'x-history-location'] },
    object_versioning: {},
    slo: {
      max_manifest_segments: SLO_LIMITS.maxManifestSegments,
      max_manifest_size: SLO_LIMITS.maxManifestSize,
      min_segment_size: SLO_LIMITS.minSegmentSize,
      yield_frequency: SLO_LIMITS.yieldFrequency,
      allow_async_delete: false,
    },
    tempurl: {
      methods: [...TEMPURL_METHODS],
      incoming_remove_headers: ['x-timestamp'],
      incoming_allow_headers: [],
      outgoing_remove_headers: ['x-object-meta-*'],
      outgoing_allow_headers: ['x-object-meta-public-*'],
      allowed_digests: [...TEMPURL_DIGESTS],
      deprecated_digests: ['sha1'],
    },
    bulk_delete: {
      max_deletes_per_request: BULK_DELETE_LIMITS.maxDeletesPerRequest,
      max_failed_deletes: BULK_DELETE_LIMITS.maxFailedDeletes,
    },
    bulk_upload: {
      max_containers_per_extraction: BULK_EXTRACT_LIMITS.maxContainersPerExtraction,
      max_failed_extractions: BULK_EXTRACT_LIMITS.maxFailedExtractions,
    },
    formpost: { allowed_digests: [...TEMPURL_DIGESTS], deprecated_digests: ['sha1'] },
    keystoneauth: {},
    staticweb: {},
    container_quotas: {},
    account_quotas: {},
  };
}
