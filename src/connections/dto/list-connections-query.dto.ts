import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { ListQueryDto } from '../../common/pagination/list-query.dto';

export class ListConnectionsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ example: 'hubspot', description: 'Only connections of this connector.' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9-]*$/)
  connector?: string;
}
