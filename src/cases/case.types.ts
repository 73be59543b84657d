export interface CaseRecord {
  readonly id: string;
  readonly reference: string;
  readonly title: string | null;
  readonly createdAt: Date;
  readonly createdBy: string;
}
