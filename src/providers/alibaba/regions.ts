// Alibaba Cloud Container Registry's regions: the list a 'region' is checked against before any call.
import type { RegionList } from '../kit/regions.js'
import { REGION_PATTERN } from './hosts.js'

/**
 * The region ids ACR serves (Alibaba Cloud's "Regions and zones" and ACR's endpoint list, as of 2026): public
 * regions, then the finance and government ones. A region of the documented shape outside it is taken as newer
 * than the list (with a note); a near miss of one of these is refused before DNS sees it.
 */
export const ACR_REGIONS = [
  'cn-qingdao',
  'cn-beijing',
  'cn-zhangjiakou',
  'cn-huhehaote',
  'cn-wulanchabu',
  'cn-hangzhou',
  'cn-shanghai',
  'cn-nanjing',
  'cn-fuzhou',
  'cn-shenzhen',
  'cn-heyuan',
  'cn-guangzhou',
  'cn-chengdu',
  'cn-hongkong',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ap-south-1',
  'us-east-1',
  'us-west-1',
  'na-south-1',
  'eu-west-1',
  'eu-central-1',
  'me-east-1',
  'me-central-1',
  'cn-shanghai-finance-1',
  'cn-shenzhen-finance-1',
  'cn-beijing-finance-1',
  'cn-north-2-gov-1'
] as const

export const ACR_REGION_LIST: RegionList = {
  known: ACR_REGIONS,
  shape: REGION_PATTERN,
  what: 'an Alibaba Cloud region id',
  listed: 'the regions Alibaba Cloud Container Registry serves',
  unknownFix: 'Use ids such as cn-hangzhou, cn-shanghai, ap-southeast-1, eu-central-1.'
}
