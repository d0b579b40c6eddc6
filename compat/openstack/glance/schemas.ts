// The JSON-schema documents Glance serves under /v2/schemas (glanceclient and the SDK read them to validate and to build patches).
import { CONTAINER_FORMATS, DISK_FORMATS, STATUSES, VISIBILITIES } from '../../../core/image/rules.js';

const UUID_PATTERN = '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$';
const nullable = (type: string) => ['null', type];
const ro = (description: string, type: unknown, extra: Record<string, unknown> = {}) => ({ description, readOnly: true, type, ...extra });
const extraProp = (description: string, extra: Record<string, unknown> = {}) => ({ description, is_base: false, type: 'string', ...extra });

/** The properties of Glance's `image` schema (base attributes, then the well-known free-form ones with `is_base: false`). */
function imageProperties(): Record<string, unknown> {
  return {
    id: { description: 'An identifier for the image', pattern: UUID_PATTERN, type: 'string' },
    name: { description: 'Descriptive name for the image', maxLength: 255, type: nullable('string') },
    status: ro('Status of the image', 'string', { enum: [...STATUSES] }),
    visibility: { description: 'Scope of image accessibility', enum: [...VISIBILITIES], type: 'string' },
    protected: { description: 'If true, image will not be deletable.', type: 'boolean' },
    os_hidden: { description: 'If true, image will not appear in default image list response.', type: 'boolean' },
    checksum: ro('md5 hash of image contents.', nullable('string'), { maxLength: 32 }),
    os_hash_algo: ro('Algorithm to calculate the os_hash_value', nullable('string'), { maxLength: 64 }),
    os_hash_value: ro('Hexdigest of the image contents using the algorithm specified by the os_hash_algo', nullable('string'), { maxLength: 128 }),
    owner: { description: 'Owner of the image', maxLength: 255, type: nullable('string') },
    size: ro('Size of image file in bytes', nullable('integer')),
    virtual_size: ro('Virtual size of image in bytes', nullable('integer')),
    container_format: { description: 'Format of the container', enum: [null, ...CONTAINER_FORMATS], type: nullable('string') },
    disk_format: { description: 'Format of the disk', enum: [null, ...DISK_FORMATS], type: nullable('string') },
    created_at: ro('Date and time of image registration', 'string'),
    updated_at: ro('Date and time of the last image modification', 'string'),
    tags: { description: 'List of strings related to the image', items: { maxLength: 255, type: 'string' }, type: 'array' },
    direct_url: ro('URL to access the image file kept in external store', 'string'),
    min_ram: { description: 'Amount of ram (in MB) required to boot image.', type: 'integer' },
    min_disk: { description: 'Amount of disk space (in GB) required to boot image.', type: 'integer' },
    self: ro('An image self url', 'string'),
    file: ro('An image file url', 'string'),
    stores: ro('Store in which image data resides.  Only present when the operator has enabled multiple stores.  May be a comma-separated list of store identifiers.', 'string'),
    schema: ro('An image schema url', 'string'),
    locations: {
      description: 'A set of URLs to access the image file kept in external store',
      items: { properties: { metadata: { type: 'object' }, url: { maxLength: 255, type: 'string' }, validation_data: { additionalProperties: false, properties: { checksum: { maxLength: 32, minLength: 32, type: 'string' }, os_hash_algo: { maxLength: 64, type: 'string' }, os_hash_value: { maxLength: 128, type: 'string' } }, required: ['os_hash_algo', 'os_hash_value'], type: 'object' } }, required: ['url', 'metadata'], type: 'object' },
      type: 'array',
    },
    kernel_id: extraProp('ID of image stored in Glance that should be used as the kernel when booting an AMI-style image.', { pattern: UUID_PATTERN, type: nullable('string') }),
    ramdisk_id: extraProp('ID of image stored in Glance that should be used as the ramdisk when booting an AMI-style image.', { pattern: UUID_PATTERN, type: nullable('string') }),
    instance_uuid: extraProp('Metadata which can be used to record which instance this image is associated with. (Informational only, does not create an instance snapshot.)'),
    architecture: extraProp('Operating system architecture as specified in https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html'),
    os_distro: extraProp('Common name of operating system distribution as specified in https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html'),
    os_version: extraProp('Operating system version as specified by the distributor.'),
    description: extraProp('A human-readable string describing this image.'),
    cinder_encryption_key_id: extraProp('Identifier in the OpenStack Key Management Service for the encryption key for the Block Storage Service to use when mounting a volume created from this image'),
    cinder_encryption_key_deletion_policy: extraProp('States the condition under which the Image Service will delete the object associated with the \'cinder_encryption_key_id\' image property.  If this property is missing, the Image Service will take no action', { enum: ['on_image_deletion', 'do_not_delete'] }),
  };
}

const imageLinks = [
  { href: '{self}', rel: 'self' },
  { href: '{file}', rel: 'enclosure' },
  { href: '{schema}', rel: 'describedby' },
];

/** `GET /v2/schemas/image`. */
export function imageSchema(): Record<string, unknown> {
  return { additionalProperties: { type: 'string' }, links: imageLinks, name: 'image', properties: imageProperties() };
}

/** `GET /v2/schemas/images`. */
export function imagesSchema(): Record<string, unknown> {
  return {
    links: [
      { href: '{first}', rel: 'first' },
      { href: '{next}', rel: 'next' },
      { href: '{schema}', rel: 'describedby' },
    ],
    name: 'images',
    properties: {
      first: { type: 'string' },
      images: { items: { additionalProperties: { type: 'string' }, links: imageLinks, name: 'image', properties: imageProperties() }, type: 'array' },
      next: { type: 'string' },
      schema: { type: 'string' },
    },
  };
}

function memberProperties(): Record<string, unknown> {
  return {
    created_at: { description: 'Date and time of image member creation', type: 'string' },
    image_id: { description: 'An identifier for the image', pattern: UUID_PATTERN, type: 'string' },
    member_id: { description: 'An identifier for the image member (tenantId)', type: 'string' },
    schema: { readOnly: true, type: 'string' },
    status: { description: 'The status of this image member', enum: ['pending', 'accepted', 'rejected'], type: 'string' },
    updated_at: { description: 'Date and time of last modification of image member', type: 'string' },
  };
}

/** `GET /v2/schemas/member`. */
export function memberSchema(): Record<string, unknown> {
  return { name: 'member', properties: memberProperties() };
}

/** `GET /v2/schemas/members`. */
export function membersSchema(): Record<string, unknown> {
  return {
    links: [{ href: '{schema}', rel: 'describedby' }],
    name: 'members',
    properties: { members: { items: { name: 'member', properties: memberProperties() }, type: 'array' }, schema: { type: 'string' } },
  };
}

function taskProperties(): Record<string, unknown> {
  return {
    created_at: { description: 'Datetime when this resource was created', type: 'string' },
    expires_at: { description: 'Datetime when this resource would be subject to removal', type: nullable('string') },
    id: { description: 'An identifier for the task', pattern: UUID_PATTERN, type: 'string' },
    image_id: { description: 'Image associated with the task', type: 'string' },
    input: { description: 'The parameters required by task, JSON blob', type: nullable('object') },
    message: { description: 'Human-readable informative message only included when appropriate (usually on failure)', type: 'string' },
    owner: { description: 'An identifier for the owner of this task', type: 'string' },
    request_id: { description: 'Request ID of the task', type: 'string' },
    result: { description: 'The result of current task, JSON blob', type: nullable('object') },
    schema: { readOnly: true, type: 'string' },
    self: { readOnly: true, type: 'string' },
    status: { description: 'The current status of this task', enum: ['pending', 'processing', 'success', 'failure'], type: 'string' },
    type: { description: 'The type of task represented by this content', enum: ['import', 'api_image_import'], type: 'string' },
    updated_at: { description: 'Datetime when this resource was updated', type: 'string' },
    user_id: { description: 'User associated with the task', type: 'string' },
  };
}

/** `GET /v2/schemas/task`. */
export function taskSchema(): Record<string, unknown> {
  return {
    links: [
      { href: '{self}', rel: 'self' },
      { href: '{schema}', rel: 'describedby' },
    ],
    name: 'task',
    properties: taskProperties(),
  };
}

/** `GET /v2/schemas/tasks`. */
export function tasksSchema(): Record<string, unknown> {
  return {
    links: [
      { href: '{schema}', rel: 'describedby' },
      { href: '{first}', rel: 'first' },
      { href: '{next}', rel: 'next' },
    ],
    name: 'tasks',
    properties: {
      schema: { type: 'string' },
      tasks: {
        items: {
          name: 'task',
          properties: Object.fromEntries(Object.entries(taskProperties()).filter(([k]) => !['input', 'result', 'message'].includes(k))),
        },
        type: 'array',
      },
    },
  };
}
