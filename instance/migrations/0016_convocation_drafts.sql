-- Convocation drafts on the grid (issue 6): a convocation draft is about one meeting of its building,
-- and is written for the agenda as it stood when it was asked for ({{AGENDA_1}}..{{AGENDA_n}}).
alter table grid_drafts add column meeting_id uuid;
alter table grid_drafts add column agenda_count integer check (agenda_count between 1 and 99);
alter table grid_drafts add constraint grid_drafts_meeting_fk
  foreign key (organization_id, meeting_id) references meetings (organization_id, id);
alter table grid_drafts add constraint grid_drafts_convocation_meeting
  check ((document_type = 'convocation') = (meeting_id is not null and agenda_count is not null));
create index grid_drafts_meeting on grid_drafts (organization_id, meeting_id) where meeting_id is not null;
