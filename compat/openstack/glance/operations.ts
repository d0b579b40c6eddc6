// Every Glance v2 API operation of the official Image API reference, and whether skybridge serves it.
import type { OperationRow } from '../../../core/operations.js';

/** Where the Glance app is mounted on the gateway (the catalog's `image` URL); row paths are relative to it. */
export const GLANCE_PREFIX = '/image';

const op = (operation: string, method: string, path: string, implemented: boolean, note?: string): OperationRow =>
  note === undefined ? { service: 'glance', operation, method, path, implemented } : { service: 'glance', operation, method, path, implemented, note };

const NS = '/v2/metadefs/namespaces/{namespace_name}';
const ONE_STORE = 'one store (the object store): multiple stores are not offered';

/** The Glance operation table. `implemented` is true only for routes the Glance app really serves. */
export const glanceOperations: OperationRow[] = [
  // Versions
  op('listVersions', 'GET', '/', true, '300 Multiple Choices, as Glance'),
  op('listVersionsExplicit', 'GET', '/versions', true, '200, as Glance'),

  // Images
  op('createImage', 'POST', '/v2/images', true, 'default visibility shared; free-form string properties; public needs admin'),
  op('listImages', 'GET', '/v2/images', true, 'filters name, status, visibility, owner, container_format, disk_format, size_min/max, tag, member_status, protected, os_hidden, id/name/status in:, created_at/updated_at operators, free-form properties; sort_key/sort_dir and sort=; limit/marker with next'),
  op('showImage', 'GET', '/v2/images/{image_id}', true),
  op('updateImage', 'PATCH', '/v2/images/{image_id}', true, 'openstack-images-v2.1-json-patch (and v2.0): add, replace, remove'),
  op('deleteImage', 'DELETE', '/v2/images/{image_id}', true, '403 while protected; the data goes through the object store\'s delayed gc'),
  op('deactivateImage', 'POST', '/v2/images/{image_id}/actions/deactivate', true),
  op('reactivateImage', 'POST', '/v2/images/{image_id}/actions/reactivate', true),

  // Image data
  op('uploadImageData', 'PUT', '/v2/images/{image_id}/file', true, 'streamed; size, md5 checksum, sha512 os_hash_value'),
  op('downloadImageData', 'GET', '/v2/images/{image_id}/file', true, 'streamed; Content-MD5; one Range; 204 without data'),

  // Interoperable import
  op('stageImageData', 'PUT', '/v2/images/{image_id}/stage', true),
  op('importImage', 'POST', '/v2/images/{image_id}/import', true, 'glance-direct and web-download (SSRF-safe fetcher) run as a job; copy-image answers 501: one store'),
  op('showImportInfo', 'GET', '/v2/info/import', true),
  op('listStores', 'GET', '/v2/info/stores', false, ONE_STORE),
  op('listStoresDetail', 'GET', '/v2/info/stores/detail', false, ONE_STORE),
  op('deleteImageFromStore', 'DELETE', '/v2/stores/{store_id}/{image_id}', false, ONE_STORE),
  op('showUsage', 'GET', '/v2/info/usage', true, 'image_size_total and image_stage_total in MiB; -1 is unlimited'),

  // Image locations
  op('addLocation', 'POST', '/v2/images/{image_id}/locations', false, 'locations are not exposed'),
  op('listLocations', 'GET', '/v2/images/{image_id}/locations', false, 'locations are not exposed'),

  // Sharing
  op('createImageMember', 'POST', '/v2/images/{image_id}/members', true, 'shared images only'),
  op('listImageMembers', 'GET', '/v2/images/{image_id}/members', true),
  op('showImageMember', 'GET', '/v2/images/{image_id}/members/{member_id}', true),
  op('updateImageMember', 'PUT', '/v2/images/{image_id}/members/{member_id}', true, 'the member project only'),
  op('deleteImageMember', 'DELETE', '/v2/images/{image_id}/members/{member_id}', true),

  // Tags
  op('addImageTag', 'PUT', '/v2/images/{image_id}/tags/{tag}', true),
  op('deleteImageTag', 'DELETE', '/v2/images/{image_id}/tags/{tag}', true),

  // Tasks
  op('createTask', 'POST', '/v2/tasks', false, 'the legacy import task; use interoperable import'),
  op('listTasks', 'GET', '/v2/tasks', true, 'admin'),
  op('showTask', 'GET', '/v2/tasks/{task_id}', true),
  op('listImageTasks', 'GET', '/v2/images/{image_id}/tasks', true),

  // Schemas
  op('showImagesSchema', 'GET', '/v2/schemas/images', true),
  op('showImageSchema', 'GET', '/v2/schemas/image', true),
  op('showImageMembersSchema', 'GET', '/v2/schemas/members', true),
  op('showImageMemberSchema', 'GET', '/v2/schemas/member', true),
  op('showTasksSchema', 'GET', '/v2/schemas/tasks', true),
  op('showTaskSchema', 'GET', '/v2/schemas/task', true),
  op('showMetadefNamespaceSchema', 'GET', '/v2/schemas/metadefs/namespace', false),
  op('showMetadefNamespacesSchema', 'GET', '/v2/schemas/metadefs/namespaces', false),
  op('showMetadefResourceTypeSchema', 'GET', '/v2/schemas/metadefs/resource_type', false),
  op('showMetadefResourceTypesSchema', 'GET', '/v2/schemas/metadefs/resource_types', false),
  op('showMetadefObjectSchema', 'GET', '/v2/schemas/metadefs/object', false),
  op('showMetadefObjectsSchema', 'GET', '/v2/schemas/metadefs/objects', false),
  op('showMetadefPropertySchema', 'GET', '/v2/schemas/metadefs/property', false),
  op('showMetadefPropertiesSchema', 'GET', '/v2/schemas/metadefs/properties', false),
  op('showMetadefTagSchema', 'GET', '/v2/schemas/metadefs/tag', false),
  op('showMetadefTagsSchema', 'GET', '/v2/schemas/metadefs/tags', false),

  // Cache
  op('listCache', 'GET', '/v2/cache', false, 'no image cache: data is served from the object store'),
  op('queueImageInCache', 'PUT', '/v2/cache/{image_id}', false),
  op('deleteCachedImage', 'DELETE', '/v2/cache/{image_id}', false),
  op('clearCache', 'DELETE', '/v2/cache', false),

  // Metadata definitions
  op('listMetadefNamespaces', 'GET', '/v2/metadefs/namespaces', false),
  op('createMetadefNamespace', 'POST', '/v2/metadefs/namespaces', false),
  op('showMetadefNamespace', 'GET', NS, false),
  op('updateMetadefNamespace', 'PUT', NS, false),
  op('deleteMetadefNamespace', 'DELETE', NS, false),
  op('listMetadefResourceTypes', 'GET', '/v2/metadefs/resource_types', false),
  op('listMetadefResourceTypeAssociations', 'GET', `${NS}/resource_types`, false),
  op('createMetadefResourceTypeAssociation', 'POST', `${NS}/resource_types`, false),
  op('deleteMetadefResourceTypeAssociation', 'DELETE', `${NS}/resource_types/{name}`, false),
  op('listMetadefObjects', 'GET', `${NS}/objects`, false),
  op('createMetadefObject', 'POST', `${NS}/objects`, false),
  op('deleteMetadefObjects', 'DELETE', `${NS}/objects`, false),
  op('showMetadefObject', 'GET', `${NS}/objects/{object_name}`, false),
  op('updateMetadefObject', 'PUT', `${NS}/objects/{object_name}`, false),
  op('deleteMetadefObject', 'DELETE', `${NS}/objects/{object_name}`, false),
  op('listMetadefProperties', 'GET', `${NS}/properties`, false),
  op('createMetadefProperty', 'POST', `${NS}/properties`, false),
  op('deleteMetadefProperties', 'DELETE', `${NS}/properties`, false),
  op('showMetadefProperty', 'GET', `${NS}/properties/{property_name}`, false),
  op('updateMetadefProperty', 'PUT', `${NS}/properties/{property_name}`, false),
  op('deleteMetadefProperty', 'DELETE', `${NS}/properties/{property_name}`, false),
  op('listMetadefTags', 'GET', `${NS}/tags`, false),
  op('createMetadefTags', 'POST', `${NS}/tags`, false),
  op('deleteMetadefTags', 'DELETE', `${NS}/tags`, false),
  op('showMetadefTag', 'GET', `${NS}/tags/{tag_name}`, false),
  op('createMetadefTag', 'POST', `${NS}/tags/{tag_name}`, false),
  op('updateMetadefTag', 'PUT', `${NS}/tags/{tag_name}`, false),
  op('deleteMetadefTag', 'DELETE', `${NS}/tags/{tag_name}`, false),
];
