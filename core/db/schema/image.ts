// Drizzle schema for the image aggregate: images, their free-form properties, tags, members and import tasks.
import { sqliteTable, text, integer, primaryKey, uniqueIndex, index } from 'drizzle-orm/sqlite-core';

/** Milliseconds since the epoch; every timestamp in the model is stored this way. */
const ms = (name: string) => integer(name);

/**
 * One image. `status` follows Glance's state machine (queued → saving/importing → active; deactivated;
 * killed). The bytes live in the object store's internal image account under `dataObject`; a staged
 * upload (glance-direct) under `stageObject`.
 */
export const imgImages = sqliteTable(
  'img_images',
  {
    id: text('id').primaryKey(),
    /** EC2 id (`ami-` + 17 hex), assigned at creation whichever API made the image. */
    ec2Id: text('ec2_id').notNull(),
    name: text('name'),
    status: text('status').notNull(),
    visibility: text('visibility').notNull(),
    /** Owning project id (null only for images registered without one). */
    owner: text('owner'),
    containerFormat: text('container_format'),
    diskFormat: text('disk_format'),
    size: integer('size'),
    virtualSize: integer('virtual_size'),
    checksum: text('checksum'),
    osHashAlgo: text('os_hash_algo'),
    osHashValue: text('os_hash_value'),
    minDisk: integer('min_disk').notNull().default(0),
    minRam: integer('min_ram').notNull().default(0),
    protected: integer('protected', { mode: 'boolean' }).notNull().default(false),
    osHidden: integer('os_hidden', { mode: 'boolean' }).notNull().default(false),
    /** Object name of the image data in the internal account; null until data is stored. */
    dataObject: text('data_object'),
    /** Object name of staged data (glance-direct), and its size. */
    stageObject: text('stage_object'),
    stageSize: integer('stage_size'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('img_images_ec2_id_uq').on(t.ec2Id),
    index('img_images_owner_idx').on(t.owner),
    index('img_images_visibility_idx').on(t.visibility),
    index('img_images_created_idx').on(t.createdAt, t.id),
  ],
);

/** Free-form image properties (`os_distro`, `hw_*`, `owner_specified.*`...), one row each, so lists can filter on them in SQL. */
export const imgProperties = sqliteTable(
  'img_properties',
  {
    imageId: text('image_id')
      .notNull()
      .references(() => imgImages.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.imageId, t.name] }), index('img_properties_name_value_idx').on(t.name, t.value)],
);

export const imgTags = sqliteTable(
  'img_tags',
  {
    imageId: text('image_id')
      .notNull()
      .references(() => imgImages.id, { onDelete: 'cascade' }),
    tag: text('tag').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.imageId, t.tag] }), index('img_tags_tag_idx').on(t.tag)],
);

/** A project an image is shared with; `status` is pending, accepted or rejected (the member decides). */
export const imgMembers = sqliteTable(
  'img_members',
  {
    imageId: text('image_id')
      .notNull()
      .references(() => imgImages.id, { onDelete: 'cascade' }),
    member: text('member').notNull(),
    status: text('status').notNull(),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.imageId, t.member] }), index('img_members_member_idx').on(t.member, t.status)],
);

/** An asynchronous task (Glance tasks API): imports run as one, driven by a job on the queue. */
export const imgTasks = sqliteTable(
  'img_tasks',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    status: text('status').notNull(),
    owner: text('owner'),
    imageId: text('image_id'),
    /** The task's input (`import_req`, method...), JSON. */
    input: text('input', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    result: text('result', { mode: 'json' }).$type<Record<string, unknown> | null>(),
    message: text('message').notNull().default(''),
    requestId: text('request_id'),
    userId: text('user_id'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    expiresAt: ms('expires_at'),
  },
  (t) => [index('img_tasks_owner_idx').on(t.owner, t.createdAt), index('img_tasks_image_idx').on(t.imageId)],
);
