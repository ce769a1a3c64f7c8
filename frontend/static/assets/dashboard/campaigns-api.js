// REST calls of campaigns (issue 18): groups, compare, fork, extend, notes and tags.
import { request } from './api.js';

const id = value => encodeURIComponent(value);

export const CampaignApi = {
  groups: (page = 0, size = 50) => request(`groups?page=${page}&size=${size}`),
  group: groupId => request(`groups/${id(groupId)}`),
  groupAccounting: groupId => request(`groups/${id(groupId)}/accounting`),
  groupAction: (groupId, action) => request(`groups/${id(groupId)}/${action}`, { method: 'POST' }),
  compare: ids => request(`studies/compare?ids=${ids.map(id).join(',')}`),
  fork: (studyId, body) => request(`studies/${id(studyId)}/fork`, { method: 'POST', body }),
  extend: (studyId, body) => request(`studies/${id(studyId)}/extend`, { method: 'POST', body }),
  notes: (studyId, body) => request(`studies/${id(studyId)}`, { method: 'PATCH', body }),
};
