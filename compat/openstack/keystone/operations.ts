// Every Keystone v3 API operation of the official API reference (core and extensions), and whether skybridge serves it.
import type { OperationRow } from '../../../core/operations.js';

/** Where the Keystone app is mounted on the gateway; row paths are relative to it, as the API reference writes them. */
export const KEYSTONE_PREFIX = '/identity';

/** Catalog writes apply to the entries admins added; the derived ones (what is served here, the configured region) answer 403. */
const CATALOG_ADDED = 'added entries only; the derived ones (served services, their endpoints, the configured region) are 403';

const op = (operation: string, method: string, path: string, implemented: boolean, note?: string): OperationRow =>
  note === undefined ? { service: 'keystone', operation, method, path, implemented } : { service: 'keystone', operation, method, path, implemented, note };

/** Grant/check/revoke/list rows for one actor on one target (the API reference's role-assignment families). */
const grants = (target: string, actor: 'users' | 'groups', noun: string, implemented: boolean): OperationRow[] => {
  const base = `${target}/${actor}/{${actor === 'users' ? 'user_id' : 'group_id'}}/roles`;
  return [
    op(`list${noun}Roles`, 'GET', base, implemented),
    op(`grant${noun}Role`, 'PUT', `${base}/{role_id}`, implemented),
    op(`check${noun}Role`, 'HEAD', `${base}/{role_id}`, implemented),
    op(`revoke${noun}Role`, 'DELETE', `${base}/{role_id}`, implemented),
  ];
};

/** Create/list/show/update/delete rows for a plain collection. */
const crud = (path: string, idParam: string, singular: string, plural: string, implemented: boolean, updateMethod = 'PATCH'): OperationRow[] => [
  op(`list${plural}`, 'GET', path, implemented),
  op(`create${singular}`, 'POST', path, implemented),
  op(`show${singular}`, 'GET', `${path}/{${idParam}}`, implemented),
  op(`update${singular}`, updateMethod, `${path}/{${idParam}}`, implemented),
  op(`delete${singular}`, 'DELETE', `${path}/{${idParam}}`, implemented),
];

/**
 * The Keystone operation table (identity v3 and v3-ext API references). `implemented` is true only for
 * routes the Keystone app really serves; `scripts/gen-compat-matrix.ts` checks that against the built app,
 * and `registerNotImplemented` makes every other row answer Keystone's 501.
 */
export const keystoneOperations: OperationRow[] = [
  // Version discovery
  op('listVersions', 'GET', '/', true, '300 Multiple Choices, as Keystone'),
  op('showVersion', 'GET', '/v3', true),

  // Authentication and token management
  op('issueToken', 'POST', '/v3/auth/tokens', true, 'methods password, token, application_credential; TOTP and federation methods are not supported'),
  op('validateToken', 'GET', '/v3/auth/tokens', true),
  op('checkToken', 'HEAD', '/v3/auth/tokens', true),
  op('revokeToken', 'DELETE', '/v3/auth/tokens', true),
  op('getAuthCatalog', 'GET', '/v3/auth/catalog', true),
  op('listAuthProjects', 'GET', '/v3/auth/projects', true),
  op('listAuthDomains', 'GET', '/v3/auth/domains', true),
  op('listAuthSystem', 'GET', '/v3/auth/system', true),

  // Application credentials and access rules
  op('listApplicationCredentials', 'GET', '/v3/users/{user_id}/application_credentials', true),
  op('createApplicationCredential', 'POST', '/v3/users/{user_id}/application_credentials', true),
  op('showApplicationCredential', 'GET', '/v3/users/{user_id}/application_credentials/{application_credential_id}', true),
  op('deleteApplicationCredential', 'DELETE', '/v3/users/{user_id}/application_credentials/{application_credential_id}', true),
  op('listAccessRules', 'GET', '/v3/users/{user_id}/access_rules', false),
  op('showAccessRule', 'GET', '/v3/users/{user_id}/access_rules/{access_rule_id}', false),
  op('deleteAccessRule', 'DELETE', '/v3/users/{user_id}/access_rules/{access_rule_id}', false),

  // Credentials
  ...crud('/v3/credentials', 'credential_id', 'Credential', 'Credentials', true),

  // Domains
  ...crud('/v3/domains', 'domain_id', 'Domain', 'Domains', true),

  // Domain configuration
  op('createDomainConfig', 'PUT', '/v3/domains/{domain_id}/config', false),
  op('showDomainConfig', 'GET', '/v3/domains/{domain_id}/config', false),
  op('updateDomainConfig', 'PATCH', '/v3/domains/{domain_id}/config', false),
  op('deleteDomainConfig', 'DELETE', '/v3/domains/{domain_id}/config', false),
  op('showDomainConfigGroup', 'GET', '/v3/domains/{domain_id}/config/{group}', false),
  op('updateDomainConfigGroup', 'PATCH', '/v3/domains/{domain_id}/config/{group}', false),
  op('deleteDomainConfigGroup', 'DELETE', '/v3/domains/{domain_id}/config/{group}', false),
  op('showDomainConfigOption', 'GET', '/v3/domains/{domain_id}/config/{group}/{option}', false),
  op('updateDomainConfigOption', 'PATCH', '/v3/domains/{domain_id}/config/{group}/{option}', false),
  op('deleteDomainConfigOption', 'DELETE', '/v3/domains/{domain_id}/config/{group}/{option}', false),
  op('showDefaultDomainConfig', 'GET', '/v3/domains/config/default', false),
  op('showDefaultDomainConfigGroup', 'GET', '/v3/domains/config/{group}/default', false),
  op('showDefaultDomainConfigOption', 'GET', '/v3/domains/config/{group}/{option}/default', false),

  // Groups
  ...crud('/v3/groups', 'group_id', 'Group', 'Groups', true),
  op('listGroupUsers', 'GET', '/v3/groups/{group_id}/users', true),
  op('addUserToGroup', 'PUT', '/v3/groups/{group_id}/users/{user_id}', true),
  op('checkUserInGroup', 'HEAD', '/v3/groups/{group_id}/users/{user_id}', true),
  op('removeUserFromGroup', 'DELETE', '/v3/groups/{group_id}/users/{user_id}', true),

  // Policies (stored policy blobs)
  ...crud('/v3/policies', 'policy_id', 'Policy', 'Policies', false),

  // Projects and project tags
  ...crud('/v3/projects', 'project_id', 'Project', 'Projects', true),
  op('listProjectTags', 'GET', '/v3/projects/{project_id}/tags', true),
  op('replaceProjectTags', 'PUT', '/v3/projects/{project_id}/tags', true),
  op('deleteProjectTags', 'DELETE', '/v3/projects/{project_id}/tags', true),
  op('checkProjectTag', 'GET', '/v3/projects/{project_id}/tags/{tag}', true),
  op('addProjectTag', 'PUT', '/v3/projects/{project_id}/tags/{tag}', true),
  op('deleteProjectTag', 'DELETE', '/v3/projects/{project_id}/tags/{tag}', true),

  // Regions
  op('listRegions', 'GET', '/v3/regions', true, 'parent_region_id filter'),
  op('createRegion', 'POST', '/v3/regions', true),
  op('createRegionWithId', 'PUT', '/v3/regions/{region_id}', true),
  op('showRegion', 'GET', '/v3/regions/{region_id}', true),
  op('updateRegion', 'PATCH', '/v3/regions/{region_id}', true, CATALOG_ADDED),
  op('deleteRegion', 'DELETE', '/v3/regions/{region_id}', true, CATALOG_ADDED),

  // Roles
  ...crud('/v3/roles', 'role_id', 'Role', 'Roles', true),
  ...grants('/v3/domains/{domain_id}', 'groups', 'DomainGroup', true),
  ...grants('/v3/domains/{domain_id}', 'users', 'DomainUser', true),
  ...grants('/v3/projects/{project_id}', 'groups', 'ProjectGroup', true),
  ...grants('/v3/projects/{project_id}', 'users', 'ProjectUser', true),
  op('listImpliedRoles', 'GET', '/v3/roles/{prior_role_id}/implies', true),
  op('createRoleInference', 'PUT', '/v3/roles/{prior_role_id}/implies/{implies_role_id}', true),
  op('showRoleInference', 'GET', '/v3/roles/{prior_role_id}/implies/{implies_role_id}', true),
  op('checkRoleInference', 'HEAD', '/v3/roles/{prior_role_id}/implies/{implies_role_id}', true),
  op('deleteRoleInference', 'DELETE', '/v3/roles/{prior_role_id}/implies/{implies_role_id}', true),
  op('listRoleInferences', 'GET', '/v3/role_inferences', true),
  op('listRoleAssignments', 'GET', '/v3/role_assignments', true, 'effective, include_names, include_subtree and the scope/user/group/role filters'),

  // System role assignments
  ...grants('/v3/system', 'users', 'SystemUser', true),
  ...grants('/v3/system', 'groups', 'SystemGroup', true),

  // Service catalog and endpoints
  op('listServices', 'GET', '/v3/services', true),
  op('createService', 'POST', '/v3/services', true),
  op('showService', 'GET', '/v3/services/{service_id}', true),
  op('updateService', 'PATCH', '/v3/services/{service_id}', true, CATALOG_ADDED),
  op('deleteService', 'DELETE', '/v3/services/{service_id}', true, CATALOG_ADDED),
  op('listEndpoints', 'GET', '/v3/endpoints', true),
  op('createEndpoint', 'POST', '/v3/endpoints', true),
  op('showEndpoint', 'GET', '/v3/endpoints/{endpoint_id}', true),
  op('updateEndpoint', 'PATCH', '/v3/endpoints/{endpoint_id}', true, CATALOG_ADDED),
  op('deleteEndpoint', 'DELETE', '/v3/endpoints/{endpoint_id}', true, CATALOG_ADDED),

  // Users
  ...crud('/v3/users', 'user_id', 'User', 'Users', true),
  op('changeUserPassword', 'POST', '/v3/users/{user_id}/password', true),
  op('listUserGroups', 'GET', '/v3/users/{user_id}/groups', true),
  op('listUserProjects', 'GET', '/v3/users/{user_id}/projects', true),

  // Unified limits
  op('showLimitModel', 'GET', '/v3/limits/model', false),
  op('listRegisteredLimits', 'GET', '/v3/registered_limits', false),
  op('createRegisteredLimits', 'POST', '/v3/registered_limits', false),
  op('showRegisteredLimit', 'GET', '/v3/registered_limits/{registered_limit_id}', false),
  op('updateRegisteredLimit', 'PATCH', '/v3/registered_limits/{registered_limit_id}', false),
  op('deleteRegisteredLimit', 'DELETE', '/v3/registered_limits/{registered_limit_id}', false),
  op('listLimits', 'GET', '/v3/limits', false),
  op('createLimits', 'POST', '/v3/limits', false),
  op('showLimit', 'GET', '/v3/limits/{limit_id}', false),
  op('updateLimit', 'PATCH', '/v3/limits/{limit_id}', false),
  op('deleteLimit', 'DELETE', '/v3/limits/{limit_id}', false),

  // OS-EC2 (EC2 credentials) and the signature-validation endpoints
  op('listEc2Credentials', 'GET', '/v3/users/{user_id}/credentials/OS-EC2', true),
  op('createEc2Credential', 'POST', '/v3/users/{user_id}/credentials/OS-EC2', true),
  op('showEc2Credential', 'GET', '/v3/users/{user_id}/credentials/OS-EC2/{credential_id}', true),
  op('deleteEc2Credential', 'DELETE', '/v3/users/{user_id}/credentials/OS-EC2/{credential_id}', true),
  op('validateEc2Token', 'POST', '/v3/ec2tokens', false, 'skybridge verifies SigV4 natively for its own S3 and EC2 front ends'),
  op('validateS3Token', 'POST', '/v3/s3tokens', false, 'skybridge verifies SigV4 natively for its own S3 and EC2 front ends'),

  // OS-INHERIT
  op('assignInheritedDomainUserRole', 'PUT', '/v3/OS-INHERIT/domains/{domain_id}/users/{user_id}/roles/{role_id}/inherited_to_projects', true),
  op('checkInheritedDomainUserRole', 'HEAD', '/v3/OS-INHERIT/domains/{domain_id}/users/{user_id}/roles/{role_id}/inherited_to_projects', true),
  op('revokeInheritedDomainUserRole', 'DELETE', '/v3/OS-INHERIT/domains/{domain_id}/users/{user_id}/roles/{role_id}/inherited_to_projects', true),
  op('listInheritedDomainUserRoles', 'GET', '/v3/OS-INHERIT/domains/{domain_id}/users/{user_id}/roles/inherited_to_projects', true),
  op('assignInheritedDomainGroupRole', 'PUT', '/v3/OS-INHERIT/domains/{domain_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects', true),
  op('checkInheritedDomainGroupRole', 'HEAD', '/v3/OS-INHERIT/domains/{domain_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects', true),
  op('revokeInheritedDomainGroupRole', 'DELETE', '/v3/OS-INHERIT/domains/{domain_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects', true),
  op('listInheritedDomainGroupRoles', 'GET', '/v3/OS-INHERIT/domains/{domain_id}/groups/{group_id}/roles/inherited_to_projects', true),
  op('assignInheritedProjectUserRole', 'PUT', '/v3/OS-INHERIT/projects/{project_id}/users/{user_id}/roles/{role_id}/inherited_to_projects', true),
  op('checkInheritedProjectUserRole', 'HEAD', '/v3/OS-INHERIT/projects/{project_id}/users/{user_id}/roles/{role_id}/inherited_to_projects', true),
  op('revokeInheritedProjectUserRole', 'DELETE', '/v3/OS-INHERIT/projects/{project_id}/users/{user_id}/roles/{role_id}/inherited_to_projects', true),
  op('assignInheritedProjectGroupRole', 'PUT', '/v3/OS-INHERIT/projects/{project_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects', true),
  op('checkInheritedProjectGroupRole', 'HEAD', '/v3/OS-INHERIT/projects/{project_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects', true),
  op('revokeInheritedProjectGroupRole', 'DELETE', '/v3/OS-INHERIT/projects/{project_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects', true),

  // OS-TRUST
  op('createTrust', 'POST', '/v3/OS-TRUST/trusts', true, 'impersonation, expires_at, remaining_uses, allow_redelegation/redelegation_count (at most 3); from a trust-scoped token a redelegation'),
  op('listTrusts', 'GET', '/v3/OS-TRUST/trusts', true, 'admins all; others filtered by themselves as trustor_user_id or trustee_user_id'),
  op('showTrust', 'GET', '/v3/OS-TRUST/trusts/{trust_id}', true),
  op('deleteTrust', 'DELETE', '/v3/OS-TRUST/trusts/{trust_id}', true),
  op('listTrustRoles', 'GET', '/v3/OS-TRUST/trusts/{trust_id}/roles', true),
  op('showTrustRole', 'GET', '/v3/OS-TRUST/trusts/{trust_id}/roles/{role_id}', true),
  op('checkTrustRole', 'HEAD', '/v3/OS-TRUST/trusts/{trust_id}/roles/{role_id}', true),

  // OS-OAUTH1
  ...crud('/v3/OS-OAUTH1/consumers', 'consumer_id', 'OAuth1Consumer', 'OAuth1Consumers', false),
  op('createOAuth1RequestToken', 'POST', '/v3/OS-OAUTH1/request_token', false),
  op('authorizeOAuth1RequestToken', 'PUT', '/v3/OS-OAUTH1/authorize/{request_token_id}', false),
  op('createOAuth1AccessToken', 'POST', '/v3/OS-OAUTH1/access_token', false),
  op('listOAuth1AccessTokens', 'GET', '/v3/users/{user_id}/OS-OAUTH1/access_tokens', false),
  op('showOAuth1AccessToken', 'GET', '/v3/users/{user_id}/OS-OAUTH1/access_tokens/{access_token_id}', false),
  op('revokeOAuth1AccessToken', 'DELETE', '/v3/users/{user_id}/OS-OAUTH1/access_tokens/{access_token_id}', false),
  op('listOAuth1AccessTokenRoles', 'GET', '/v3/users/{user_id}/OS-OAUTH1/access_tokens/{access_token_id}/roles', false),
  op('showOAuth1AccessTokenRole', 'GET', '/v3/users/{user_id}/OS-OAUTH1/access_tokens/{access_token_id}/roles/{role_id}', false),

  // OS-OAUTH2
  op('issueOAuth2Token', 'POST', '/v3/OS-OAUTH2/token', false),

  // OS-REVOKE
  op('listRevocationEvents', 'GET', '/v3/OS-REVOKE/events', false),

  // OS-ENDPOINT-POLICY
  op('associatePolicyWithEndpoint', 'PUT', '/v3/policies/{policy_id}/OS-ENDPOINT-POLICY/endpoints/{endpoint_id}', false),
  op('checkPolicyEndpointAssociation', 'HEAD', '/v3/policies/{policy_id}/OS-ENDPOINT-POLICY/endpoints/{endpoint_id}', false),
  op('deletePolicyEndpointAssociation', 'DELETE', '/v3/policies/{policy_id}/OS-ENDPOINT-POLICY/endpoints/{endpoint_id}', false),
  op('associatePolicyWithService', 'PUT', '/v3/policies/{policy_id}/OS-ENDPOINT-POLICY/services/{service_id}', false),
  op('checkPolicyServiceAssociation', 'HEAD', '/v3/policies/{policy_id}/OS-ENDPOINT-POLICY/services/{service_id}', false),
  op('deletePolicyServiceAssociation', 'DELETE', '/v3/policies/{policy_id}/OS-ENDPOINT-POLICY/services/{service_id}', false),
  op('associatePolicyWithServiceRegion', 'PUT', '/v3/policies/{policy_id}/OS-ENDPOINT-POLICY/services/{service_id}/regions/{region_id}', false),
  op('checkPolicyServiceRegionAssociation', 'HEAD', '/v3/policies/{policy_id}/OS-ENDPOINT-POLICY/services/{service_id}/regions/{region_id}', false),
  op('deletePolicyServiceRegionAssociation', 'DELETE', '/v3/policies/{policy_id}/OS-ENDPOINT-POLICY/services/{service_id}/regions/{region_id}', false),
  op('showEndpointPolicy', 'GET', '/v3/endpoints/{endpoint_id}/OS-ENDPOINT-POLICY/policy', false),
  op('listPolicyEndpoints', 'GET', '/v3/policies/{policy_id}/OS-ENDPOINT-POLICY/endpoints', false),

  // OS-EP-FILTER
  op('addEndpointToProject', 'PUT', '/v3/OS-EP-FILTER/projects/{project_id}/endpoints/{endpoint_id}', true, 'a project with any association (direct or by endpoint group) gets only those endpoints in its token catalog'),
  op('checkEndpointInProject', 'HEAD', '/v3/OS-EP-FILTER/projects/{project_id}/endpoints/{endpoint_id}', true),
  op('removeEndpointFromProject', 'DELETE', '/v3/OS-EP-FILTER/projects/{project_id}/endpoints/{endpoint_id}', true),
  op('listProjectEndpoints', 'GET', '/v3/OS-EP-FILTER/projects/{project_id}/endpoints', true),
  op('listEndpointProjects', 'GET', '/v3/OS-EP-FILTER/endpoints/{endpoint_id}/projects', true),
  op('createEndpointGroup', 'POST', '/v3/OS-EP-FILTER/endpoint_groups', true),
  op('listEndpointGroups', 'GET', '/v3/OS-EP-FILTER/endpoint_groups', true),
  op('showEndpointGroup', 'GET', '/v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}', true),
  op('checkEndpointGroup', 'HEAD', '/v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}', true),
  op('updateEndpointGroup', 'PATCH', '/v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}', true),
  op('deleteEndpointGroup', 'DELETE', '/v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}', true),
  op('listEndpointGroupProjects', 'GET', '/v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/projects', true),
  op('listEndpointGroupEndpoints', 'GET', '/v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/endpoints', true),
  op('addEndpointGroupToProject', 'PUT', '/v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/projects/{project_id}', true),
  op('showEndpointGroupProject', 'GET', '/v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/projects/{project_id}', true),
  op('checkEndpointGroupInProject', 'HEAD', '/v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/projects/{project_id}', true),
  op('removeEndpointGroupFromProject', 'DELETE', '/v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/projects/{project_id}', true),
  op('listProjectEndpointGroups', 'GET', '/v3/OS-EP-FILTER/projects/{project_id}/endpoint_groups', true),

  // OS-FEDERATION
  op('registerIdentityProvider', 'PUT', '/v3/OS-FEDERATION/identity_providers/{idp_id}', false),
  op('listIdentityProviders', 'GET', '/v3/OS-FEDERATION/identity_providers', false),
  op('showIdentityProvider', 'GET', '/v3/OS-FEDERATION/identity_providers/{idp_id}', false),
  op('updateIdentityProvider', 'PATCH', '/v3/OS-FEDERATION/identity_providers/{idp_id}', false),
  op('deleteIdentityProvider', 'DELETE', '/v3/OS-FEDERATION/identity_providers/{idp_id}', false),
  op('listIdentityProviderProtocols', 'GET', '/v3/OS-FEDERATION/identity_providers/{idp_id}/protocols', false),
  op('addIdentityProviderProtocol', 'PUT', '/v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}', false),
  op('showIdentityProviderProtocol', 'GET', '/v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}', false),
  op('updateIdentityProviderProtocol', 'PATCH', '/v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}', false),
  op('deleteIdentityProviderProtocol', 'DELETE', '/v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}', false),
  op('createMapping', 'PUT', '/v3/OS-FEDERATION/mappings/{mapping_id}', false),
  op('listMappings', 'GET', '/v3/OS-FEDERATION/mappings', false),
  op('showMapping', 'GET', '/v3/OS-FEDERATION/mappings/{mapping_id}', false),
  op('updateMapping', 'PATCH', '/v3/OS-FEDERATION/mappings/{mapping_id}', false),
  op('deleteMapping', 'DELETE', '/v3/OS-FEDERATION/mappings/{mapping_id}', false),
  op('registerServiceProvider', 'PUT', '/v3/OS-FEDERATION/service_providers/{sp_id}', false),
  op('listServiceProviders', 'GET', '/v3/OS-FEDERATION/service_providers', false),
  op('showServiceProvider', 'GET', '/v3/OS-FEDERATION/service_providers/{sp_id}', false),
  op('updateServiceProvider', 'PATCH', '/v3/OS-FEDERATION/service_providers/{sp_id}', false),
  op('deleteServiceProvider', 'DELETE', '/v3/OS-FEDERATION/service_providers/{sp_id}', false),
  op('listFederatedProjects', 'GET', '/v3/OS-FEDERATION/projects', false, 'deprecated upstream in favour of /v3/auth/projects'),
  op('listFederatedDomains', 'GET', '/v3/OS-FEDERATION/domains', false, 'deprecated upstream in favour of /v3/auth/domains'),
  op('federatedAuthenticate', 'GET', '/v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}/auth', false),
  op('federatedAuthenticatePost', 'POST', '/v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}/auth', false),
  op('webSingleSignOn', 'GET', '/v3/auth/OS-FEDERATION/websso/{protocol_id}', false),
  op('webSingleSignOnPost', 'POST', '/v3/auth/OS-FEDERATION/websso/{protocol_id}', false),
  op('webSingleSignOnForIdentityProvider', 'GET', '/v3/auth/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}/websso', false),
  op('webSingleSignOnForIdentityProviderPost', 'POST', '/v3/auth/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}/websso', false),
  op('showSaml2Metadata', 'GET', '/v3/OS-FEDERATION/saml2/metadata', false),
  op('createSaml2Assertion', 'POST', '/v3/auth/OS-FEDERATION/saml2', false),
  op('createSaml2EcpAssertion', 'POST', '/v3/auth/OS-FEDERATION/saml2/ecp', false),
];
